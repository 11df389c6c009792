import type { RunForJob } from "./run-rows.ts";

/** Runs handed over at most this long ago are kept; older ones (a job that never ran) are dropped. */
const MAX_HANDED_OVER = 10_000;

/**
 * Runs created in this process for a job that runs in this process (embedded mode's in-process queue):
 * the API hands over what it inserted, and the job's first try takes it instead of reading the run
 * back. The job payload still carries only the run id; a later try, or a worker in another process,
 * reads the run from the database.
 */
export function createRunHandoff() {
  const runs = new Map<string, RunForJob>();
  return {
    put(run: RunForJob): void {
      runs.set(run.id, run);
      const oldest = runs.keys().next();
      if (runs.size > MAX_HANDED_OVER && !oldest.done) runs.delete(oldest.value);
    },
    /** The run as inserted, once; undefined when it was not handed over here (or was taken). */
    take(runId: string): RunForJob | undefined {
      const run = runs.get(runId);
      runs.delete(runId);
      return run;
    },
  };
}

export type RunHandoff = ReturnType<typeof createRunHandoff>;
