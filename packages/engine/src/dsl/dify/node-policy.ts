import type { NodePolicy } from "../../schema/workflow-document.ts";
import { asList, asRecord, asText, setOwn, type ConverterContext, type DifyNodeData } from "./converter.ts";

const MAX_ATTEMPTS = 10;

/**
 * Dify's per-node retry_config, error_strategy / default_value and a numeric timeout (seconds) as a
 * Tandem node policy; undefined when the node has none of them. Dify waits the same interval between
 * retries, Tandem doubles it each time: the first wait is the same.
 */
export function convertNodePolicy(data: DifyNodeData, context: ConverterContext): NodePolicy | undefined {
  const policy: Partial<NodePolicy> = {};
  const retry = asRecord(data.retry_config);
  if (retry.retry_enabled === true) {
    const retries = typeof retry.max_retries === "number" && retry.max_retries >= 0 ? Math.floor(retry.max_retries) : 3;
    const attempts = Math.min(retries + 1, MAX_ATTEMPTS);
    if (attempts !== retries + 1) context.report(["retry_config", "max_retries"], `At most ${MAX_ATTEMPTS - 1} retries are supported; ${MAX_ATTEMPTS - 1} were kept.`, "warning");
    const interval = typeof retry.retry_interval === "number" && retry.retry_interval >= 0 ? Math.floor(retry.retry_interval) : 1000;
    policy.retry = { attempts, backoffMs: Math.min(interval, 600_000) };
  }
  if (typeof data.timeout === "number" && data.timeout > 0) policy.timeoutMs = Math.min(Math.round(data.timeout * 1000), 3_600_000);

  const strategy = asText(data.error_strategy, "none");
  if (strategy === "fail-branch") policy.onError = "branch";
  else if (strategy === "default-value") {
    policy.onError = "default";
    const defaults: Record<string, unknown> = {};
    for (const item of asList(data.default_value)) {
      const entry = asRecord(item);
      const key = asText(entry.key);
      if (key !== "") setOwn(defaults, key, entry.type === "number" ? toNumber(entry.value) : entry.value);
    }
    policy.defaults = defaults;
  } else if (strategy !== "none" && strategy !== "") {
    context.report(["error_strategy"], `Error strategy "${strategy}" is unknown; the node fails the run on error.`, "warning");
  }
  if (Object.keys(policy).length === 0) return undefined;
  return { onError: "fail", ...policy };
}

/** Dify may keep a number default as text. */
function toNumber(value: unknown): unknown {
  if (typeof value !== "string" || value.trim() === "") return value;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}
