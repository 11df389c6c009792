import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTandem, isPublishingError, resolveRuntimeConfig, type PublishingError, type Tandem } from "@tandem/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const startNode = { id: "start", type: "start", version: 1, position: { x: 0, y: 0 }, config: { variables: [] } };

const validDraft = {
  schemaVersion: 1,
  kind: "workflow",
  graph: {
    nodes: [
      startNode,
      { id: "end", type: "end", version: 1, position: { x: 0, y: 0 }, config: { outputs: [] } },
    ],
    edges: [{ id: "e1", source: "start", target: "end" }],
  },
};

/** A draft whose end node reads a node that does not exist. */
const invalidDraft = {
  ...validDraft,
  graph: {
    ...validDraft.graph,
    nodes: [startNode, { id: "end", type: "end", version: 1, position: { x: 0, y: 0 }, config: { outputs: [{ name: "x", selector: ["ghost", "text"] }] } }],
  },
};

async function refusal(promise: Promise<unknown>): Promise<PublishingError> {
  try {
    await promise;
  } catch (error) {
    if (isPublishingError(error)) return error;
    throw error;
  }
  throw new Error("expected a PublishingError");
}

describe("publishing: versions and app API keys", () => {
  let dataDir: string;
  let tandem: Tandem;
  let workspaceId: string;
  let otherWorkspaceId: string;
  let appId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "tandem-publishing-"));
    tandem = await createTandem(resolveRuntimeConfig({ TANDEM_DATA_DIR: dataDir }), "web");
    const { prisma } = tandem.db;
    workspaceId = (await prisma.workspace.create({ data: { name: "pub", slug: `pub-${Date.now()}` } })).id;
    otherWorkspaceId = (await prisma.workspace.create({ data: { name: "other", slug: `other-${Date.now()}` } })).id;
    appId = (await prisma.app.create({ data: { workspaceId, name: "Echo", slug: "echo", kind: "workflow", draft: invalidDraft } })).id;
  });
  afterAll(async () => {
    await tandem?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses to publish a draft that does not validate, listing its problems", async () => {
    const error = await refusal(tandem.publishing.publishApp(workspaceId, appId));
    expect(error.code).toBe("invalid_workflow");
    expect(error.status).toBe(400);
    const problems = error.details?.problems;
    expect(Array.isArray(problems) && problems.length).toBeGreaterThan(0);
    expect(await tandem.publishing.listVersions(workspaceId, appId)).toEqual([]);
  });

  it("gives two concurrent publishes versions 1 and 2, and a published version cannot change", async () => {
    await tandem.db.prisma.app.update({ where: { id: appId }, data: { draft: validDraft } });
    const published = await Promise.all([
      tandem.publishing.publishApp(workspaceId, appId, { notes: "first" }),
      tandem.publishing.publishApp(workspaceId, appId, { notes: "second" }),
    ]);
    expect(published.map((version) => version.version).sort((left, right) => left - right)).toEqual([1, 2]);
    const versions = await tandem.publishing.listVersions(workspaceId, appId);
    expect(versions.map((version) => version.version)).toEqual([2, 1]);

    const first = published.find((version) => version.version === 1);
    if (!first) throw new Error("no version 1");
    await expect(tandem.db.prisma.appVersion.update({ where: { id: first.id }, data: { document: { changed: true } } })).rejects.toThrow(/immutable/);
    expect((await refusal(tandem.publishing.publishApp(otherWorkspaceId, appId))).code).toBe("not_found");
  });

  it("shows a key once, stores only its hash, authenticates it, and refuses it once revoked", async () => {
    const created = await tandem.publishing.createApiKey(workspaceId, appId, { name: "prod", rateLimitPerMin: 60, concurrencyLimit: 2 });
    expect(created.key.startsWith(created.prefix)).toBe(true);

    const rows = await tandem.db.prisma.$queryRaw<Array<Record<string, unknown>>>`SELECT * FROM api_keys WHERE id = ${created.id}::uuid`;
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain(created.key);
    expect(rows[0]?.key_hash).toBe(createHash("sha256").update(created.key).digest("hex"));

    const listed = await tandem.publishing.listApiKeys(workspaceId, appId);
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(listed)).not.toContain(String(rows[0]?.key_hash));
    expect(listed[0]).not.toHaveProperty("key");
    expect(listed[0]).not.toHaveProperty("keyHash");

    const authenticated = await tandem.publishing.authenticateApiKey(`Bearer ${created.key}`);
    expect(authenticated).toEqual({
      workspaceId,
      appId,
      appVersionId: null,
      keyId: created.id,
      limits: { rateLimitPerMin: 60, concurrencyLimit: 2 },
    });
    const used = await tandem.db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(used.lastUsedAt).not.toBeNull();
    await tandem.publishing.authenticateApiKey(created.key);
    const usedAgain = await tandem.db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(usedAgain.lastUsedAt?.getTime()).toBe(used.lastUsedAt?.getTime());

    // Another workspace can neither list nor revoke it.
    expect((await refusal(tandem.publishing.listApiKeys(otherWorkspaceId, appId))).code).toBe("not_found");
    expect((await refusal(tandem.publishing.revokeApiKey(otherWorkspaceId, created.id))).code).toBe("not_found");
    await tandem.publishing.authenticateApiKey(created.key);

    const revoked = await tandem.publishing.revokeApiKey(workspaceId, created.id);
    expect(revoked.revokedAt).not.toBeNull();
    const error = await refusal(tandem.publishing.authenticateApiKey(`Bearer ${created.key}`));
    expect(error.code).toBe("revoked");
    expect(error.status).toBe(401);
  });

  it("refuses unknown keys", async () => {
    for (const token of ["Bearer app-not-a-real-key", "", "Bearer "]) {
      const error = await refusal(tandem.publishing.authenticateApiKey(token));
      expect(error.code).toBe("unauthorized");
    }
  });

  it("pins a key to a version of its own app only", async () => {
    const [latest] = await tandem.publishing.listVersions(workspaceId, appId);
    if (!latest) throw new Error("no versions");
    const pinned = await tandem.publishing.createApiKey(workspaceId, appId, { name: "pinned", appVersionId: latest.id });
    expect((await tandem.publishing.authenticateApiKey(pinned.key)).appVersionId).toBe(latest.id);

    const otherAppId = (
      await tandem.db.prisma.app.create({ data: { workspaceId, name: "Other", slug: "other", kind: "workflow", draft: validDraft } })
    ).id;
    const error = await refusal(tandem.publishing.createApiKey(workspaceId, otherAppId, { name: "wrong pin", appVersionId: latest.id }));
    expect(error.code).toBe("invalid_input");
    expect((await refusal(tandem.publishing.createApiKey(otherWorkspaceId, appId, { name: "foreign" }))).code).toBe("not_found");
  });
});
