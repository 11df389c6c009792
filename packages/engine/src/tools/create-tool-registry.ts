import type { ToolCallResult, ToolDescriptor, ToolError, ToolRegistry } from "../ports/tool-registry.ts";
import { validateJsonSchema } from "../nodes/shared/validate-json-schema.ts";
import { untilAborted } from "../util/abort-error.ts";

/** What a tool's implementation sees while it runs. */
export interface ToolRunContext {
  /** Aborted on the call's timeout, and when the run is cancelled. */
  signal: AbortSignal;
  private: boolean;
}

/** A tool with its implementation. `run` may throw: the registry turns that into a `failed` result. */
export interface ToolImplementation extends ToolDescriptor {
  run(args: Record<string, unknown>, context: ToolRunContext): Promise<unknown>;
}

/**
 * A set of tools: the built-ins, one OpenAPI document, one MCP server, the workspace's published
 * workflows. Listing may touch the network (an MCP server), so it is asynchronous and may fail; a
 * failing source hides only its own tools.
 */
export interface ToolSource {
  /** Shown when the source cannot be listed, e.g. `MCP server "files"`. */
  label: string;
  list(signal: AbortSignal): Promise<readonly ToolImplementation[]>;
  /**
   * Whether a tool of this name can come from this source (e.g. it starts with the provider's prefix).
   * Lets `call` skip listing sources that cannot have it; absent: any name may.
   */
  owns?(name: string): boolean;
}

export interface ToolRegistryOptions {
  sources: readonly ToolSource[];
  /** Per call, unless the caller asks for another; default 30 s. */
  defaultTimeoutMs?: number;
  /** How long listing a source may take; default 10 s. */
  listTimeoutMs?: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** Turns an implementation's failure into the registry's error shape; tools throw with readable messages. */
function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The ToolRegistry over a list of sources. Earlier sources win on a name clash (built-ins first, so
 * no provider can shadow `calculator`). Every call is validated, timed out and caught: the result says
 * what went wrong instead of throwing.
 */
export function createToolRegistry(options: ToolRegistryOptions): ToolRegistry {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  const listTimeoutMs = options.listTimeoutMs ?? 10_000;
  // A registry lives for one run: each source is listed once (an MCP server is asked once), failures are retried.
  const listings = new Map<ToolSource, Promise<readonly ToolImplementation[]>>();

  function listSource(source: ToolSource, signal: AbortSignal | undefined): Promise<readonly ToolImplementation[]> {
    let listing = listings.get(source);
    if (!listing) {
      const listSignal = signal ? AbortSignal.any([signal, AbortSignal.timeout(listTimeoutMs)]) : AbortSignal.timeout(listTimeoutMs);
      listing = untilAborted(source.list(listSignal), listSignal);
      listings.set(source, listing);
      listing.catch(() => listings.delete(source));
    }
    return listing;
  }

  async function listAll(signal: AbortSignal | undefined, name?: string): Promise<{ tools: Map<string, ToolImplementation>; problems: string[] }> {
    const tools = new Map<string, ToolImplementation>();
    const problems: string[] = [];
    const sources = name === undefined ? options.sources : options.sources.filter((source) => source.owns?.(name) ?? true);
    const listed = await Promise.allSettled(sources.map((source) => listSource(source, signal)));
    listed.forEach((result, index) => {
      const label = sources[index]?.label ?? "a tool source";
      if (result.status === "rejected") {
        problems.push(`${label} could not be listed: ${describeError(result.reason)}`);
        return;
      }
      for (const tool of result.value) {
        if (NAME.test(tool.name) && !tools.has(tool.name)) tools.set(tool.name, tool);
      }
    });
    return { tools, problems };
  }

  const describe = ({ name, description, kind, parameters, output }: ToolImplementation): ToolDescriptor => ({
    name,
    description,
    kind,
    parameters,
    ...(output ? { output } : {}),
  });

  return {
    async list(listOptions) {
      const { tools } = await listAll(listOptions?.signal);
      return [...tools.values()].map(describe);
    },
    async get(name, getOptions) {
      const { tools } = await listAll(getOptions?.signal);
      const tool = tools.get(name);
      return tool ? describe(tool) : undefined;
    },
    async call(name, args, callOptions): Promise<ToolCallResult> {
      const fail = (code: ToolError["code"], message: string): ToolCallResult => ({ ok: false, error: { code, message } });
      if (callOptions.signal.aborted) return fail("aborted", "The run was stopped before the tool was called.");
      let { tools, problems } = await listAll(callOptions.signal, name);
      let tool = tools.get(name);
      if (!tool) {
        // Name every tool there is, so a model (or a person) can pick the right one.
        ({ tools, problems } = await listAll(callOptions.signal));
        tool = tools.get(name);
      }
      if (!tool) {
        const known = [...tools.keys()].join(", ") || "none";
        return fail("unknown-tool", `There is no tool named "${name}". Available: ${known}.${problems.length > 0 ? ` (${problems.join("; ")})` : ""}`);
      }
      const argumentErrors = validateJsonSchema(args, tool.parameters);
      if (argumentErrors.length > 0) return fail("invalid-arguments", `The arguments of "${name}" are invalid: ${argumentErrors.join("; ")}.`);
      const timeoutMs = callOptions.timeoutMs ?? defaultTimeoutMs;
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new Error("timeout")), timeoutMs);
      const signal = AbortSignal.any([deadline.signal, callOptions.signal]);
      let output: unknown;
      try {
        output = await untilAborted(tool.run(args, { signal, private: callOptions.private ?? false }), signal);
      } catch (error) {
        if (callOptions.signal.aborted) return fail("aborted", `The run was stopped while "${name}" was running.`);
        if (deadline.signal.aborted) return fail("timeout", `The tool "${name}" did not answer within ${timeoutMs} ms.`);
        return fail("failed", `The tool "${name}" failed: ${describeError(error)}`);
      } finally {
        clearTimeout(timer);
      }
      if (tool.output) {
        const outputErrors = validateJsonSchema(output ?? null, tool.output);
        if (outputErrors.length > 0) return fail("invalid-output", `The tool "${name}" returned output that does not match its schema: ${outputErrors.join("; ")}.`);
      }
      return { ok: true, output: output ?? null };
    },
  };
}

/** A source over a fixed list (the built-ins, tests). */
export function staticToolSource(label: string, tools: readonly ToolImplementation[]): ToolSource {
  return { label, list: () => Promise.resolve(tools) };
}
