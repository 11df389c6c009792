import type { ChatMessage, ChatResult } from "../../ports/model-gateway.ts";
import type { NodeUsage } from "../../ports/node-usage.ts";
import { defineNode, type NodeContext } from "../../runtime/node-implementation.ts";
import { valueToText } from "../../schema/value-reference.ts";
import { splitReasoning } from "../shared/split-reasoning.ts";
import { sumUsage } from "../shared/sum-usage.ts";
import { createAgentToolbox, type AgentToolbox } from "./agent-tools.ts";
import { agentSchema, type AgentConfig } from "./agent.schema.ts";
import { buildReactSystemPrompt, parseReactTurn } from "./react-format.ts";

/** One tool call, as the node's `steps` output records it. */
export interface AgentStep {
  thought?: string;
  tool: string;
  input: Record<string, unknown>;
  output?: string;
  error?: string;
}

interface LoopState {
  steps: AgentStep[];
  usages: NodeUsage[];
}

/**
 * A tool-using loop: the model calls tools (natively, or through the ReAct text protocol when it has
 * no tool support), the node runs them and hands back their results, and the loop ends with the
 * model's final answer. A tool that fails is reported back to the model as an error so it can try
 * again. Reaching `maxIterations` without a final answer fails the node with a clear message rather
 * than passing on a half-finished answer (its error strategy can still supply a default).
 */
export const agentNode = defineNode(agentSchema, async (config, context) => {
  const toolbox = await createAgentToolbox(config.tools, context);
  const query = Array.isArray(config.query) ? valueToText(context.resolve(config.query)) : context.render(config.query);
  const instruction = context.render(config.instruction).trim();
  // Without tools there is nothing to call: one plain answer.
  const native = config.tools.length === 0 || (await useNativeTools(config, context));
  const state: LoopState = { steps: [], usages: [] };
  const text = native ? await runNative(config, context, toolbox, instruction, query, state) : await runReact(config, context, toolbox, instruction, query, state);
  return {
    outputs: { text, steps: state.steps },
    inputs: { query, strategy: native ? "function-calling" : "react" },
    usage: sumUsage(state.usages),
  };
});

async function useNativeTools(config: AgentConfig, context: NodeContext): Promise<boolean> {
  if (config.strategy !== "auto") return config.strategy === "function-calling";
  const info = await context.services.models.describe(config.model.model);
  return info?.capabilities.tools ?? false;
}

async function ask(config: AgentConfig, context: NodeContext, messages: ChatMessage[], toolbox: AgentToolbox | undefined, state: LoopState): Promise<ChatResult> {
  const result = await context.services.models.chat({
    selection: config.model,
    messages,
    ...(toolbox && toolbox.definitions.length > 0 ? { tools: toolbox.definitions } : {}),
    signal: context.signal,
    private: context.private,
  });
  state.usages.push(result.usage);
  return result;
}

/** Runs a tool and records the step; the observation is the output, or the error for the model to see. */
async function runStep(toolbox: AgentToolbox, tool: string, input: Record<string, unknown>, thought: string, state: LoopState): Promise<string> {
  const step: AgentStep = { ...(thought ? { thought } : {}), tool, input };
  state.steps.push(step);
  try {
    step.output = await toolbox.run(tool, input);
    return step.output;
  } catch (error) {
    step.error = error instanceof Error ? error.message : String(error);
    return `Error: ${step.error}`;
  }
}

function limitReached(config: AgentConfig): Error {
  return new Error(
    `The agent used all ${config.maxIterations} iterations without reaching a final answer. Raise maxIterations, simplify the task, or pick a model that follows tool instructions better.`,
  );
}

async function runNative(config: AgentConfig, context: NodeContext, toolbox: AgentToolbox, instruction: string, query: string, state: LoopState): Promise<string> {
  const messages: ChatMessage[] = [...(instruction ? [{ role: "system" as const, content: instruction }] : []), { role: "user", content: query }];
  for (let iteration = 0; iteration < config.maxIterations; iteration += 1) {
    const result = await ask(config, context, messages, toolbox, state);
    const { text } = splitReasoning(result.text);
    if (result.toolCalls.length === 0) return text;
    messages.push({ role: "assistant", content: result.text, toolCalls: result.toolCalls });
    for (const call of result.toolCalls) {
      const observation = await runStep(toolbox, call.name, call.arguments, text, state);
      messages.push({ role: "tool", toolCallId: call.id, content: observation });
    }
  }
  throw limitReached(config);
}

async function runReact(config: AgentConfig, context: NodeContext, toolbox: AgentToolbox, instruction: string, query: string, state: LoopState): Promise<string> {
  const messages: ChatMessage[] = [
    { role: "system", content: buildReactSystemPrompt(instruction, toolbox.definitions) },
    { role: "user", content: query },
  ];
  for (let iteration = 0; iteration < config.maxIterations; iteration += 1) {
    const result = await ask(config, context, messages, undefined, state);
    const turn = parseReactTurn(result.text, toolbox.definitions);
    if (turn.kind === "final") return turn.answer;
    const observation = await runStep(toolbox, turn.tool, turn.input, turn.thought, state);
    messages.push({ role: "assistant", content: turn.text }, { role: "user", content: `Observation: ${observation}` });
  }
  throw limitReached(config);
}
