/** Desired-state writes over NATS: `apply`, `delete deployment`, `scale deployment`. */
import type { Command } from "commander";
import { ManifestFileError, readManifestFile } from "@tug/cluster";
import type { OkReply } from "@tug/contracts";
import { TugError } from "@tug/contracts";
import { intArg, kindArg, labelArg } from "../args.js";
import { contextOf } from "../context.js";
import { describeError, UsageError } from "../errors.js";
import { render } from "../format.js";

/** The manifests of `path` (`-` = stdin); a file that cannot be read or parsed is a usage error (exit 2). */
function readManifests(path: string): Array<Record<string, unknown>> {
  try {
    return readManifestFile(path);
  } catch (err) {
    throw err instanceof ManifestFileError ? new UsageError(err.message) : err;
  }
}

/** Parses `--expect-generation`: a generation as `gen` shows it. */
const generationArg = intArg(0, Number.MAX_SAFE_INTEGER);

interface ScaleOpts {
  replicas: number;
  namespace: string;
  expectGeneration?: number;
}

/** Registers `apply`, `delete` and `scale`. */
export function writeCommands(program: Command): void {
  program
    .command("apply")
    .description("publish desired state from a manifest file (YAML or JSON, several documents allowed)")
    .requiredOption("-f, --filename <file>", "manifest file, or - for stdin")
    .option("--expect-generation <n>", "apply only while the deployment is at this generation (its gen)", generationArg)
    .action(async (opts: { filename: string; expectGeneration?: number }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const docs = withExpectation(readManifests(opts.filename), opts.expectGeneration);
      const results = await ctx.intake.requestAll<OkReply>("apply", docs);
      ctx.out(
        render(
          results.map((r) => (r instanceof TugError ? r.toBody() : r)),
          ctx.output,
          () =>
            results
              .map((r, i) =>
                r instanceof TugError
                  ? `${label(docs[i]!)}: ${describeError(r)}`
                  : `deployment ${r.id} ${r.unchanged ? "unchanged" : "applied"}: revision ${r.revision}`,
              )
              .join("\n"),
        ),
      );
      if (results.some((r) => r instanceof TugError)) process.exitCode = 1;
    });

  program
    .command("delete")
    .description("delete a deployment")
    .argument("<kind>", "deployment", kindArg)
    .argument("<name>", "deployment name", labelArg)
    .option("-n, --namespace <ns>", "namespace", labelArg, "default")
    .action(async (_kind: string, name: string, opts: { namespace: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const r = await ctx.intake.request<OkReply>("delete", { namespace: opts.namespace, name });
      ctx.out(render(r, ctx.output, () => `deployment ${opts.namespace}/${name} deleted`));
    });

  program
    .command("scale")
    .description("set the replica count of a deployment")
    .argument("<kind>", "deployment", kindArg)
    .argument("<name>", "deployment name", labelArg)
    .requiredOption("--replicas <n>", "desired replica count", intArg(0, 10_000))
    .option("-n, --namespace <ns>", "namespace", labelArg, "default")
    .option("--expect-generation <n>", "scale only while the deployment is at this generation (its gen)", generationArg)
    .action(async (_kind: string, name: string, opts: ScaleOpts, cmd: Command) => {
      const ctx = contextOf(cmd);
      const scale = { namespace: opts.namespace, name, replicas: opts.replicas };
      const [body] = withExpectation([scale], opts.expectGeneration);
      const r = await ctx.intake.request<OkReply>("scale", body);
      ctx.out(render(r, ctx.output, () => `deployment ${opts.namespace}/${name} scaled to ${opts.replicas}`));
    });
}

/** Adds `expectGeneration` (Kubernetes' resourceVersion precondition) to every document when it was given. */
function withExpectation(docs: Array<Record<string, unknown>>, gen: number | undefined): typeof docs {
  return gen === undefined ? docs : docs.map((d) => ({ ...d, expectGeneration: gen }));
}

/** `deployment ns/name` of a document, Tugboat's or Kubernetes' (metadata.name). */
function label(doc: Record<string, unknown>): string {
  const meta = (typeof doc.metadata === "object" && doc.metadata !== null ? doc.metadata : {}) as Record<
    string,
    unknown
  >;
  return `deployment ${String(doc.namespace ?? meta.namespace ?? "default")}/${String(doc.name ?? meta.name ?? "?")}`;
}
