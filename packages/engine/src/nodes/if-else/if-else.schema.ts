import { z } from "zod";
import { defineNodeSchema, FAIL_HANDLE, type ConfigProblem } from "../../schema/node-schema.ts";
import { selector } from "../../schema/value-reference.ts";
import { checkCondition } from "../shared/check-condition.ts";
import { comparisonOperatorSchema } from "../shared/comparison-operator.ts";
import { conditionValueSchema } from "../shared/condition-value.ts";

/** The handle taken when no case matches. Dify names the ELSE branch "false", and imported edges use it. */
export const ELSE_HANDLE = "false";

export const ifElseConditionSchema = z.object({
  id: z.string().max(100).optional(),
  /** The variable on the left of the comparison. */
  variable: selector(),
  operator: comparisonOperatorSchema,
  /** Omitted for operators that test the variable alone (empty, exists…). */
  value: conditionValueSchema.optional(),
});
export type IfElseCondition = z.infer<typeof ifElseConditionSchema>;

export const ifElseCaseSchema = z.object({
  /** Also the id of the case's handle, so edges from Dify DSL ("true", UUIDs) keep pointing at it. */
  id: z.string().min(1, "a case needs an id").max(100),
  logicalOperator: z.enum(["and", "or"]).default("and"),
  conditions: z.array(ifElseConditionSchema).min(1, "a case needs at least one condition").max(50),
});
export type IfElseCase = z.infer<typeof ifElseCaseSchema>;

export const ifElseConfigSchema = z.object({
  /** Tried in order; the first that holds picks the branch. */
  cases: z.array(ifElseCaseSchema).min(1, "add at least one case").max(20),
});
export type IfElseConfig = z.infer<typeof ifElseConfigSchema>;

/** Case ids that would collide with the node's other handles. */
const RESERVED_CASE_IDS = new Set([ELSE_HANDLE, FAIL_HANDLE]);

function checkIfElseConfig(config: IfElseConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  config.cases.forEach((ifCase, caseIndex) => {
    if (RESERVED_CASE_IDS.has(ifCase.id)) {
      problems.push({ path: ["cases", caseIndex, "id"], message: `"${ifCase.id}" is reserved for another branch; pick another case id` });
    } else if (seen.has(ifCase.id)) {
      problems.push({ path: ["cases", caseIndex, "id"], message: `case id "${ifCase.id}" is used twice` });
    }
    seen.add(ifCase.id);
    ifCase.conditions.forEach((condition, conditionIndex) => {
      problems.push(...checkCondition(condition, ["cases", caseIndex, "conditions", conditionIndex]));
    });
  });
  return problems;
}

export const ifElseSchema = defineNodeSchema({
  type: "if-else",
  version: 1,
  title: "IF/ELSE",
  description: "Send the run down the first branch whose conditions hold, or down ELSE.",
  category: "control",
  config: ifElseConfigSchema,
  outputs: () => [
    { name: "result", type: "boolean", description: "Whether a case matched (false on ELSE)." },
    { name: "selected_case", type: "string", description: `The id of the matching case, or "${ELSE_HANDLE}" on ELSE.` },
  ],
  handles: (config) => [
    ...config.cases.map((ifCase, index) => ({ id: ifCase.id, label: index === 0 ? "IF" : "ELIF" })),
    { id: ELSE_HANDLE, label: "ELSE" },
  ],
  pure: true,
  check: checkIfElseConfig,
});
