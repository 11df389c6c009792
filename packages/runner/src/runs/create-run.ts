import { toJsonInput, type PrismaClient, type Run } from "@tandem/db";
import type { WorkflowDocument } from "@tandem/engine";

export interface CreateRunInput {
  workspaceId: string;
  appId: string;
  appVersionId?: string;
  /** The document to run: a snapshot, so later draft edits do not change a queued run. */
  document: WorkflowDocument;
  inputs: Record<string, unknown>;
  trigger: "debug" | "api" | "cli" | "tool";
  endUser?: string;
  conversationId?: string;
  idempotencyKey?: string;
}

/** Creates a queued run row; the run-workflow job executes it. */
export function createRun(prisma: PrismaClient, input: CreateRunInput): Promise<Run> {
  return prisma.run.create({
    data: {
      workspaceId: input.workspaceId,
      appId: input.appId,
      appVersionId: input.appVersionId ?? null,
      document: toJsonInput(input.document),
      inputs: toJsonInput(input.inputs),
      trigger: input.trigger,
      endUser: input.endUser ?? null,
      conversationId: input.conversationId ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
    },
  });
}
