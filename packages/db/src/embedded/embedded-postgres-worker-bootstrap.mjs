// Worker-thread bootstrap for embedded Postgres: workspace packages are TypeScript source run by tsx,
// and a worker thread does not inherit the parent's loader hooks, so it registers tsx itself, then
// loads the worker (which shares keepExtendedQueriesWhole with the rest of the package).
import { register } from "tsx/esm/api";

register();
await import("./embedded-postgres-worker.ts");
