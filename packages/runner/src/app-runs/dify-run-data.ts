import type { AppRunView } from "./app-run-service.ts";

const seconds = (date: Date | null) => (date === null ? null : Math.floor(date.getTime() / 1000));

/**
 * A run as Dify's service API reports it: the `data` of a blocking workflow reply and of
 * `workflow_finished`, and (with `inputs` as a JSON string) `GET /v1/workflows/run/{id}`.
 */
export function difyWorkflowRunData(run: AppRunView) {
  return {
    id: run.id,
    workflow_id: run.appVersionId ?? run.appId,
    status: run.status === "queued" ? "running" : run.status,
    outputs: run.outputs ?? {},
    error: run.error,
    elapsed_time: (run.elapsedMs ?? (run.finishedAt && run.startedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : 0)) / 1000,
    total_tokens: run.totalTokens,
    total_steps: run.totalSteps,
    created_at: seconds(run.createdAt),
    finished_at: seconds(run.finishedAt),
  };
}
