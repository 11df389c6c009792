import { readFile } from "node:fs/promises";
import path from "node:path";
import { importDifyDsl, parseWorkflowYaml, validateWorkflow, type WorkflowDocument } from "@tandem/engine";

export interface LoadedWorkflow {
  /** The document when it is valid. */
  document?: WorkflowDocument;
  /** Every problem, as lines to print. */
  problems: string[];
  format: "tandem" | "dify";
}

/** Reads a Tandem document (YAML or JSON) or a Dify DSL export, and validates it. */
export async function loadWorkflowFile(file: string): Promise<LoadedWorkflow> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return { problems: [`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`], format: "tandem" };
  }
  const looksLikeDify = /^\s*workflow:\s*$/m.test(text) && /^\s*app:\s*$/m.test(text);
  if (looksLikeDify) {
    const imported = importDifyDsl(text);
    const problems = imported.problems.map((problem) => `${problem.severity}: ${locate(problem.nodeId, problem.path)}${problem.message}`);
    const blocking = imported.problems.some((problem) => problem.severity === "error");
    const validation = imported.document ? validateWorkflow(imported.document) : undefined;
    return {
      ...(validation?.ok && validation.document && !blocking ? { document: validation.document } : {}),
      problems,
      format: "dify",
    };
  }
  const parsed = path.extname(file) === ".json" ? parseJson(text) : parseWorkflowYaml(text);
  if (!parsed.ok) return { problems: parsed.problems.map((problem) => `error: ${locate(undefined, problem.path)}${problem.message}`), format: "tandem" };
  const validation = validateWorkflow(parsed.document);
  return {
    ...(validation.ok && validation.document ? { document: validation.document } : {}),
    problems: validation.problems.map((problem) => `error: ${locate(problem.nodeId, problem.path)}${problem.message}`),
    format: "tandem",
  };
}

function parseJson(text: string): { ok: true; document: unknown } | { ok: false; problems: Array<{ path: Array<string | number>; message: string }> } {
  try {
    return { ok: true, document: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problems: [{ path: [], message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
}

function locate(nodeId: string | undefined, fieldPath: ReadonlyArray<string | number>): string {
  const where = [nodeId ? `node ${nodeId}` : "", fieldPath.length > 0 ? fieldPath.join(".") : ""].filter(Boolean).join(" ");
  return where ? `${where}: ` : "";
}
