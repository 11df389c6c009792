import { z } from "zod";
import { modelField } from "../../schema/model-field.ts";
import { defineNodeSchema, DEFAULT_HANDLE, FAIL_HANDLE, type ConfigProblem } from "../../schema/node-schema.ts";
import { selector, templateText } from "../../schema/value-reference.ts";

export const questionClassSchema = z.object({
  /** Also the id of the class's handle, so edges imported from Dify (which use it) keep pointing at it. */
  id: z.string().min(1, "a class needs an id").max(100),
  /** What the model reads: a short description of the class, e.g. "Billing question". */
  name: z.string().min(1, "describe the class").max(500),
});
export type QuestionClass = z.infer<typeof questionClassSchema>;

export const questionClassifierConfigSchema = z.object({
  model: modelField(),
  /** The text to classify. */
  query: selector({ accepts: ["string"] }),
  classes: z.array(questionClassSchema).min(2, "add at least two classes").max(20),
  /** Extra guidance for the model, e.g. how to treat ambiguous questions. */
  instruction: templateText({ maxLength: 10_000 }).optional(),
});
export type QuestionClassifierConfig = z.infer<typeof questionClassifierConfigSchema>;

const RESERVED_CLASS_IDS = new Set([FAIL_HANDLE, DEFAULT_HANDLE]);

function checkClasses(config: QuestionClassifierConfig): ConfigProblem[] {
  const seen = new Set<string>();
  return config.classes.flatMap((questionClass, index) => {
    const path = ["classes", index, "id"];
    if (RESERVED_CLASS_IDS.has(questionClass.id)) return [{ path, message: `"${questionClass.id}" is reserved for another branch; pick another class id` }];
    if (seen.has(questionClass.id)) return [{ path, message: `class id "${questionClass.id}" is used twice` }];
    seen.add(questionClass.id);
    return [];
  });
}

export const questionClassifierSchema = defineNodeSchema({
  type: "question-classifier",
  version: 1,
  title: "Question Classifier",
  description: "Let a model sort the input into one of your classes, and follow that class's branch.",
  category: "model",
  config: questionClassifierConfigSchema,
  outputs: () => [
    { name: "class_name", type: "string", description: "The name of the chosen class." },
    { name: "class_id", type: "string", description: "The id of the chosen class (its branch)." },
  ],
  handles: (config) => config.classes.map((questionClass) => ({ id: questionClass.id, label: questionClass.name })),
  pure: false,
  check: checkClasses,
});
