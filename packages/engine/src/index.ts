// The engine's server entry. The runtime (LangGraph), the node catalog and the model registry arrive
// with their issues; the browser-safe schema is also available on its own as "@tandem/engine/schema".
export * from "./schema/index.ts";
