export * from "./workflow-document.ts";
export * from "./node-schema.ts";
export * from "./value-types.ts";
export * from "./value-reference.ts";
export { nodeSchemas, defaultNodeSchemaRegistry, type NodeType, type NodeSchemaRegistry } from "../nodes/node-schemas.ts";
export * from "./model-field.ts";
