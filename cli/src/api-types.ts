/** Shapes of the registry HTTP API's answers, as the CLI reads them (design.md §3); defined once in contracts. */
export type { DeploymentDetail, EventPage, List, NodeView, ServiceView } from "@tug/contracts";
