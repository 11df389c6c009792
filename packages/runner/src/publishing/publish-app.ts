import { Prisma, toJsonInput } from "@tandem/db";
import { validateWorkflow } from "@tandem/engine";
import { z } from "zod";
import type { PublishingDependencies } from "./publishing-dependencies.ts";
import { PublishingError } from "./publishing-error.ts";

export interface AppVersionView {
  id: string;
  version: number;
  notes: string;
  publishedBy: string | null;
  createdAt: Date;
}

export const publishInputSchema = z.object({
  notes: z.string().max(2000).optional(),
  publishedBy: z.string().uuid().optional(),
});
export type PublishInput = z.infer<typeof publishInputSchema>;

const uuid = z.string().uuid();
/** Two publishes racing for the same next number: the loser retries with the number after. */
const PUBLISH_ATTEMPTS = 5;

/** Loads an app of the workspace, or throws not_found (ids of other workspaces included). */
export async function requireApp(dependencies: Pick<PublishingDependencies, "prisma">, workspaceId: string, appId: string) {
  const row = uuid.safeParse(appId).success ? await dependencies.prisma.app.findFirst({ where: { id: appId, workspaceId } }) : null;
  if (!row) throw new PublishingError("not_found", `App ${appId} does not exist in this workspace.`);
  return row;
}

async function isLocalModelCheck(dependencies: PublishingDependencies, workspaceId: string) {
  if (!dependencies.servicesFor) return undefined;
  const workspace = await dependencies.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { id: true, settings: true } });
  const services = await dependencies.servicesFor({ id: workspaceId, settings: workspace?.settings ?? {} });
  return (reference: string) => services.models.isLocal?.(reference);
}

/**
 * Publishes the app's draft as its next immutable version. A draft that does not validate is refused
 * with its problems (invalid_workflow, `details.problems`). Version numbers come from the unique
 * (app, version) index: concurrent publishes each get their own number.
 */
export async function publishApp(
  dependencies: PublishingDependencies,
  workspaceId: string,
  appId: string,
  input: PublishInput = {},
): Promise<{ id: string; version: number; createdAt: Date }> {
  const parsed = publishInputSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`);
    throw new PublishingError("invalid_input", `Invalid publish request: ${issues.join("; ")}`, { details: { issues: parsed.error.issues } });
  }
  const app = await requireApp(dependencies, workspaceId, appId);
  const isLocalModel = await isLocalModelCheck(dependencies, workspaceId);
  const validation = validateWorkflow(app.draft, isLocalModel ? { isLocalModel } : {});
  if (!validation.ok || !validation.document) {
    const summary = validation.problems.slice(0, 5).map((problem) => `${problem.path.join(".") || "document"}: ${problem.message}`);
    throw new PublishingError("invalid_workflow", `The draft cannot be published until its problems are fixed: ${summary.join("; ")}`, {
      details: { problems: validation.problems },
    });
  }
  const document = toJsonInput(validation.document);
  for (let attempt = 1; ; attempt += 1) {
    const latest = await dependencies.prisma.appVersion.findFirst({ where: { appId }, orderBy: { version: "desc" }, select: { version: true } });
    try {
      const created = await dependencies.prisma.appVersion.create({
        data: {
          workspaceId,
          appId,
          version: (latest?.version ?? 0) + 1,
          document,
          notes: parsed.data.notes ?? "",
          publishedBy: parsed.data.publishedBy ?? null,
        },
        select: { id: true, version: true, createdAt: true },
      });
      return created;
    } catch (error) {
      const raced = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
      if (!raced) throw error;
      if (attempt >= PUBLISH_ATTEMPTS) {
        throw new PublishingError("conflict", "Other publishes of this app kept taking the next version number; try again.", { cause: error });
      }
    }
  }
}

/** The app's published versions, newest first (without their documents). */
export async function listVersions(dependencies: PublishingDependencies, workspaceId: string, appId: string): Promise<AppVersionView[]> {
  await requireApp(dependencies, workspaceId, appId);
  return dependencies.prisma.appVersion.findMany({
    where: { appId, workspaceId },
    orderBy: { version: "desc" },
    select: { id: true, version: true, notes: true, publishedBy: true, createdAt: true },
  });
}
