import path from "node:path";
import { startVariables, validateRunInputs, type RunEvent } from "@tandem/engine";
import { createRun, createTandem, resolveRuntimeConfig, runWorkflowJob, toJsonInput } from "@tandem/runner";
import { formatEvent } from "./format-event.ts";
import { loadWorkflowFile } from "./load-workflow-file.ts";

/** `tandem run FILE --inputs JSON`: validates, runs on the embedded defaults (or DATABASE_URL), prints the events. */
export async function runCommand(file: string, options: { inputs: string | undefined; json: boolean }): Promise<number> {
  const loaded = await loadWorkflowFile(file);
  if (!loaded.document) {
    for (const problem of loaded.problems) console.error(problem);
    console.error(`${file} cannot run until these are fixed.`);
    return 1;
  }
  const document = loaded.document;
  let inputs: Record<string, unknown> = {};
  if (options.inputs) {
    try {
      const parsed = JSON.parse(options.inputs) as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      inputs = parsed as Record<string, unknown>;
    } catch {
      console.error(`--inputs must be a JSON object, like '{"question":"hello"}'.`);
      return 2;
    }
  }
  const checked = validateRunInputs(startVariables(document), inputs);
  if (!checked.ok) {
    for (const problem of checked.problems) console.error(`input ${problem.name}: ${problem.message}`);
    return 2;
  }

  const tandem = await createTandem(resolveRuntimeConfig(), "cli");
  const controller = new AbortController();
  const stop = () => controller.abort(new Error("stopped from the command line"));
  process.once("SIGINT", stop);
  try {
    const { prisma } = tandem.db;
    const workspace = await prisma.workspace.upsert({ where: { slug: "cli" }, update: {}, create: { name: "Command line", slug: "cli" } });
    const slug = path.basename(file).replace(/\.[^.]+$/, "").toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "workflow";
    const app = await prisma.app.upsert({
      where: { workspaceId_slug: { workspaceId: workspace.id, slug } },
      update: { draft: toJsonInput(document), kind: document.kind },
      create: { workspaceId: workspace.id, name: slug, slug, kind: document.kind, draft: toJsonInput(document) },
    });
    const run = await createRun(prisma, { workspaceId: workspace.id, appId: app.id, document, inputs: checked.values, trigger: "cli" });
    let ended = () => undefined as void;
    const lastEvent = new Promise<void>((resolve) => (ended = resolve));
    const unsubscribe = tandem.runEvents.subscribe(run.id, ({ event }) => {
      print(event, options.json);
      if (event.type === "run-end" || event.type === "run-error") ended();
    });
    // In scaled mode the events come back through Redis: subscribe before the first is published…
    await unsubscribe.ready;
    const result = await runWorkflowJob(tandem.jobDependencies, run.id, controller.signal);
    // …and let the last ones arrive (they already have in embedded mode).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([lastEvent, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
    unsubscribe();
    return result.status === "succeeded" ? 0 : 1;
  } finally {
    process.off("SIGINT", stop);
    await tandem.close();
  }
}

function print(event: RunEvent, json: boolean): void {
  if (json) console.log(JSON.stringify(event));
  else {
    const line = formatEvent(event);
    if (line !== null) console.log(line);
  }
}
