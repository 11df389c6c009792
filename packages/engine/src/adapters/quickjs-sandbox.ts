import { Scope, shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from "quickjs-emscripten";
import type { CodeSandbox, SandboxLimits } from "../ports/engine-services.ts";
import { newIsolatedQuickJS } from "./quickjs-instance.ts";
import { QUICKJS_PRELUDE } from "./quickjs-prelude.ts";
import { isSandboxError, SandboxError } from "./sandbox-error.ts";

/** What a run returns besides main's result. */
export interface SandboxRunResult {
  result: unknown;
  /** console.log lines, capped, for the node's debug view. */
  logs: string[];
}

export interface QuickJsSandbox extends CodeSandbox {
  /** Like `run`, and also returns what the code printed. */
  execute(code: string, inputs: Record<string, unknown>, limits: SandboxLimits): Promise<SandboxRunResult>;
}

/**
 * QuickJS's own stack limit. It must stay well below the host's stack: at 512 KiB a deep recursion
 * overflowed V8's stack (a host crash) before QuickJS could throw its catchable "stack overflow".
 */
const MAX_STACK_BYTES = 256 * 1024;
const MAX_LOG_LINES = 200;
/** Headroom granted after a failure, so reading the error does not itself run out of memory. */
const ERROR_READING_HEADROOM_BYTES = 8 * 1024 * 1024;
const FILE_NAME = "main.js";

/**
 * The CodeSandbox port on QuickJS compiled to WebAssembly. The WASM module is compiled once; each run
 * gets its own instance, runtime and context (no state shared between runs), its memory capped by the
 * instance's linear memory and by QuickJS's limit, a stack limit, and a deadline the interpreter checks.
 * The code sees standard JavaScript and `console` only: no require, process, fetch, timers, file
 * system or network. Runs are synchronous inside WebAssembly, so a run occupies the calling thread
 * for up to its timeout.
 */
export function createQuickJsSandbox(): QuickJsSandbox {
  const execute = async (code: string, inputs: Record<string, unknown>, limits: SandboxLimits): Promise<SandboxRunResult> => {
    const { quickjs, memoryBytesInUse } = await newIsolatedQuickJS(limits.memoryBytes);
    const logs: string[] = [];
    const scope = new Scope();
    try {
      const runtime = scope.manage(quickjs.newRuntime());
      // Refuses single allocations over the limit with a clean error; the instance's memory caps the total.
      runtime.setMemoryLimit(limits.memoryBytes);
      runtime.setMaxStackSize(MAX_STACK_BYTES);
      const deadline = Date.now() + limits.timeoutMs;
      runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
      const context = scope.manage(runtime.newContext());
      const run = new SandboxRun(runtime, context, scope, logs, limits, deadline, memoryBytesInUse);
      return { result: run.execute(code, inputs), logs };
    } catch (error) {
      if (isSandboxError(error)) throw error;
      // The WebAssembly instance itself failed; it is discarded below, so nothing of it outlives the run.
      if (error instanceof RangeError && /call stack/i.test(error.message)) {
        throw new SandboxError("runtime", "The code recursed too deeply (stack overflow). Check that the recursion ends.", { logs, cause: error });
      }
      // WebAssembly.RuntimeError ("memory access out of bounds", "unreachable" after an abort).
      if (error instanceof Error && error.name === "RuntimeError") {
        throw new SandboxError("memory", `The code exhausted the sandbox's memory (${error.message}). Work on less data at a time, or raise the memory limit.`, { logs, cause: error });
      }
      throw error;
    } finally {
      try {
        scope.dispose();
      } catch {
        // A failed instance cannot always free its handles; it and its memory go to the garbage collector.
      }
    }
  };
  return {
    execute,
    async run(code, inputs, limits) {
      return (await execute(code, inputs, limits)).result;
    },
  };
}

/** One run's steps; every handle it makes is owned by `scope` and disposed with the runtime. */
class SandboxRun {
  constructor(
    private readonly runtime: QuickJSRuntime,
    private readonly context: QuickJSContext,
    private readonly scope: Scope,
    private readonly logs: string[],
    private readonly limits: SandboxLimits,
    private readonly deadline: number,
    private readonly memoryBytesInUse: () => number,
  ) {}

  execute(code: string, inputs: Record<string, unknown>): unknown {
    const { context, scope } = this;
    const emit = scope.manage(
      context.newFunction("emit", (line) => {
        if (this.logs.length < MAX_LOG_LINES) this.logs.push(context.getString(line));
        else if (this.logs.length === MAX_LOG_LINES) this.logs.push(`… more output dropped after ${MAX_LOG_LINES} lines`);
      }),
    );
    const prelude = this.unwrap(context.evalCode(QUICKJS_PRELUDE, "prelude.js", { type: "global", strict: true }), "runtime");
    const tools = this.unwrap(context.callFunction(prelude, context.undefined, emit), "runtime");
    context.setProp(context.global, "console", scope.manage(context.getProp(tools, "console")));
    const parse = scope.manage(context.getProp(tools, "parse"));
    const serialize = scope.manage(context.getProp(tools, "serialize"));

    // Compile first, so a SyntaxError thrown later by the code itself (JSON.parse) is not taken for one in it.
    this.unwrap(context.evalCode(code, FILE_NAME, { type: "global", compileOnly: true }), "syntax");
    this.unwrap(context.evalCode(code, FILE_NAME, { type: "global" }), "runtime");
    // Evaluated, not read from globalThis, so `const main = ...` works as well as `function main`.
    const main = this.unwrap(context.evalCode("typeof main === 'function' ? main : undefined", "lookup.js", { type: "global" }), "runtime");
    if (context.typeof(main) !== "function") {
      throw new SandboxError("runtime", "The code must define a function main(inputs) that returns an object, e.g. function main(inputs) { return { result: inputs.x } }.", {
        logs: this.logs,
      });
    }
    const inputsText = scope.manage(context.newString(JSON.stringify(inputs)));
    const inputsValue = this.unwrap(context.callFunction(parse, context.undefined, inputsText), "runtime");
    const returned = this.unwrap(context.callFunction(main, context.undefined, inputsValue), "runtime");
    const settled = this.settle(returned);
    const text = this.unwrap(context.callFunction(serialize, context.undefined, settled), "invalid_output");
    return JSON.parse(context.getString(text)) as unknown;
  }

  /** Runs the promise's jobs until it settles; async main has nothing else to wait for (no timers, no I/O). */
  private settle(value: QuickJSHandle): QuickJSHandle {
    const { context, runtime } = this;
    for (;;) {
      const state = context.getPromiseState(value);
      if (state.type === "fulfilled") return this.scope.manage(state.value);
      if (state.type === "rejected") throw this.toError(this.scope.manage(state.error), "runtime");
      if (!runtime.hasPendingJob()) {
        throw new SandboxError("runtime", "main returned a promise that never settles: it awaits something that never happens (the sandbox has no timers or network).", {
          logs: this.logs,
        });
      }
      const jobs = runtime.executePendingJobs();
      if (jobs.error) throw this.toError(this.scope.manage(jobs.error), "runtime");
    }
  }

  private unwrap(result: { value: QuickJSHandle; error?: undefined } | { error: QuickJSHandle }, code: "syntax" | "runtime" | "invalid_output"): QuickJSHandle {
    if (result.error) throw this.toError(this.scope.manage(result.error), code);
    return this.scope.manage(result.value);
  }

  /** Reads a thrown value into a SandboxError; time and memory failures win over the step's own code. */
  private toError(thrown: QuickJSHandle, code: "syntax" | "runtime" | "invalid_output"): SandboxError {
    this.runtime.setMemoryLimit(this.limits.memoryBytes + ERROR_READING_HEADROOM_BYTES);
    const detail = readThrown(this.context, thrown);
    const logs = this.logs;
    const timedOut = new SandboxError("timeout", `The code did not finish within ${this.limits.timeoutMs} ms. Look for a loop that never ends, or raise the timeout.`, { logs });
    if (detail.name === "InternalError" && detail.message === "interrupted") return timedOut;
    // Out of memory, QuickJS may fail to build its error and throw null instead; reading the error may
    // fail too. Either, with the heap grown past the limit, means memory ran out.
    const exhausted = (detail.unreadable === true || detail.message === "null") && this.memoryBytesInUse() >= this.limits.memoryBytes;
    if ((detail.name === "InternalError" && detail.message === "out of memory") || exhausted) {
      const megabytes = Math.round(this.limits.memoryBytes / (1024 * 1024));
      return new SandboxError("memory", `The code used more than its ${megabytes} MB of memory${at(detail.line)}. Work on less data at a time, or raise the memory limit.`, {
        line: detail.line,
        logs,
      });
    }
    if (detail.name === "InternalError" && detail.message === "stack overflow") {
      return new SandboxError("runtime", `The code recursed too deeply (stack overflow)${at(detail.line)}. Check that the recursion ends.`, { line: detail.line, logs });
    }
    if (Date.now() > this.deadline) return timedOut;
    const what = detail.name ? `${detail.name}: ${detail.message}` : detail.message;
    const message =
      code === "syntax"
        ? `The code has a syntax error: ${what}${at(detail.line)}.`
        : code === "invalid_output"
          ? `main must return JSON values only: ${detail.message}.`
          : `The code threw ${what}${at(detail.line)}.`;
    return new SandboxError(code, message, { line: detail.line, logs });
  }
}

function at(line: number | undefined): string {
  return line === undefined ? "" : ` (line ${line})`;
}

interface ThrownDetail {
  name: string;
  message: string;
  line: number | undefined;
  unreadable?: boolean;
}

/** What was thrown, read without running more of the user's code where possible. */
function readThrown(context: QuickJSContext, thrown: QuickJSHandle): ThrownDetail {
  // dump() disposes a handle that holds a promise, so it gets a copy.
  const copy = thrown.dup();
  let value: unknown;
  try {
    value = context.dump(copy);
  } catch {
    return { name: "", message: "", line: undefined, unreadable: true };
  } finally {
    if (copy.alive) copy.dispose();
  }
  if (typeof value !== "object" || value === null) {
    return { name: "", message: describePrimitive(value), line: undefined };
  }
  const fields = value as { name?: unknown; message?: unknown; stack?: unknown; lineNumber?: unknown };
  const name = typeof fields.name === "string" ? fields.name : "";
  const message = typeof fields.message === "string" ? fields.message : JSON.stringify(value).slice(0, 500);
  const stackLine = typeof fields.stack === "string" ? new RegExp(`${FILE_NAME}:(\\d+)`).exec(fields.stack)?.[1] : undefined;
  const line = typeof fields.lineNumber === "number" ? fields.lineNumber : stackLine === undefined ? undefined : Number(stackLine);
  return { name, message, line };
}

function describePrimitive(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (value === undefined) return "undefined";
  return JSON.stringify(value);
}
