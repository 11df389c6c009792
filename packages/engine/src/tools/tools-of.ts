import type { EngineServices } from "../ports/engine-services.ts";
import type { ToolRegistry } from "../ports/tool-registry.ts";
import { createBuiltinTools } from "./builtin-tools.ts";
import { createToolRegistry, staticToolSource } from "./create-tool-registry.ts";

/**
 * The run's tool registry: the one the runner wired (the workspace's), or else the built-in tools over
 * the run's own ports, so the tool and agent nodes work in tests and the command line too.
 */
export function toolsOf(services: EngineServices): ToolRegistry {
  return services.tools ?? createToolRegistry({ sources: [staticToolSource("built-in tools", createBuiltinTools(services))] });
}
