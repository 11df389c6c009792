/** Token and cost accounting of a model call, recorded on node executions and summed on runs. */
export interface NodeUsage {
  tokensIn: number;
  tokensOut: number;
  cost?: number;
  /** Which model answered, and why fallbacks happened. */
  model?: { provider: string; model: string; fallbacks?: Array<{ model: string; reason: string }> };
  timeToFirstTokenMs?: number;
  tokensPerSecond?: number;
}
