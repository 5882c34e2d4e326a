/** The dashboard's writes, each one HTTP call with the bearer token; the registry forwards them to the intake. */
import type { ErrorBody, OkReply } from "@tug/contracts";

/** What an action came to: the intake's ok reply, or the structured error the API answered. */
export type ActionResult = OkReply | ErrorBody;

async function post(token: string, path: string, body?: unknown): Promise<ActionResult> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  try {
    const res = await fetch(path, {
      method: "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as ActionResult;
  } catch (err) {
    return { ok: false, code: "API_UNAVAILABLE", message: String(err), retryable: true };
  }
}

const dep = (id: string) => `/v1/deployments/${id.split("/").map(encodeURIComponent).join("/")}`;

/** Receives what each action came to, with a few words saying what it was. */
export type Report = (what: string, result: ActionResult) => void;

/** The actions, bound to a token; every result goes to `report`. */
export function actionsWith(token: string, report: Report) {
  const call = async (what: string, path: string, body?: unknown) => {
    const result = await post(token, path, body);
    report(what, result);
    return result;
  };
  return {
    scale: (deployment: string, replicas: number) =>
      call(`scale ${deployment} to ${replicas}`, `${dep(deployment)}/scale`, { replicas }),
    rollback: (deployment: string) => call(`roll back ${deployment}`, `${dep(deployment)}/rollback`, {}),
    restart: (replica: string) => call(`restart ${replica}`, `/v1/replicas/${encodeURIComponent(replica)}/restart`),
    node: (node: string, action: "cordon" | "uncordon" | "drain") =>
      call(`${action} ${node}`, `/v1/nodes/${encodeURIComponent(node)}/${action}`),
  };
}

/** The bound actions' type. */
export type Actions = ReturnType<typeof actionsWith>;
