import type { PrismaClient, SecretBox } from "@tandem/db";
import { createGuardedHttp } from "@tandem/engine";
import { workspaceEngineSettingsSchema } from "../runs/engine-services.ts";
import { toAppRunView } from "./app-run-service.ts";
import { difyWorkflowRunData } from "./dify-run-data.ts";
import { SIGNATURE_HEADER, callbackSecretFor, signCallback } from "../publishing/callback-signature.ts";

/** Tries of a callback, the first included; then it is marked failed. */
export const CALLBACK_ATTEMPTS = 6;
export const CALLBACK_TIMEOUT_MS = 10_000;

export interface DeliverCallbackDependencies {
  prisma: PrismaClient;
  secrets: SecretBox;
}

/**
 * POSTs a finished run to its callback URL (Dify's workflow_finished shape), signed with the key's
 * callback secret, through the SSRF guard (private addresses only when the workspace allows the host).
 * A non-2xx answer or a network error throws, so the queue retries with backoff; after the last try the
 * run's callback is marked failed.
 */
export async function deliverRunCallbackJob(dependencies: DeliverCallbackDependencies, runId: string, context: { attempt: number; signal: AbortSignal }) {
  const { prisma } = dependencies;
  const run = await prisma.run.findUnique({ where: { id: runId }, include: { workspace: { select: { settings: true } } } });
  if (!run?.callbackUrl || run.callbackStatus === "delivered") return { skipped: true };
  const view = toAppRunView(run);
  const body = JSON.stringify({ event: "workflow_finished", task_id: run.id, workflow_run_id: run.id, data: difyWorkflowRunData(view) });
  const settings = workspaceEngineSettingsSchema.safeParse(run.workspace.settings ?? {});
  const http = createGuardedHttp({ allowedHosts: settings.success ? settings.data.allowedHosts : [] });
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Tandem-Callback/1" };
  if (run.apiKeyId) headers[SIGNATURE_HEADER] = signCallback(callbackSecretFor(dependencies.secrets, run.apiKeyId), body, Math.floor(Date.now() / 1000));
  try {
    const response = await http.request({ url: run.callbackUrl, method: "POST", headers, body, timeoutMs: CALLBACK_TIMEOUT_MS, signal: context.signal, followRedirects: false });
    if (response.status < 200 || response.status >= 300) throw new Error(`The callback URL answered HTTP ${response.status}.`);
  } catch (error) {
    if (context.attempt >= CALLBACK_ATTEMPTS) await prisma.run.update({ where: { id: runId }, data: { callbackStatus: "failed" } });
    throw error;
  }
  await prisma.run.update({ where: { id: runId }, data: { callbackStatus: "delivered" } });
  return { delivered: true };
}
