import { loadWorkflowFile } from "./load-workflow-file.ts";

/** `tandem validate FILE`: prints every problem; exit code 1 when there are any that block running. */
export async function validateCommand(file: string): Promise<number> {
  const loaded = await loadWorkflowFile(file);
  for (const problem of loaded.problems) console.log(problem);
  if (loaded.document) {
    const nodes = loaded.document.graph.nodes.length;
    console.log(`${file}: valid ${loaded.document.kind} with ${nodes} node${nodes === 1 ? "" : "s"}${loaded.format === "dify" ? " (imported from Dify DSL)" : ""}.`);
    return 0;
  }
  console.log(`${file}: ${loaded.problems.length} problem${loaded.problems.length === 1 ? "" : "s"}.`);
  return 1;
}
