// Worker-thread bootstrap: workspace packages are TypeScript source run by tsx, and a worker thread
// does not inherit the parent's loader hooks, so it registers tsx itself, then loads the worker.
import { register } from "tsx/esm/api";

register();
await import("./preparation-worker.ts");
