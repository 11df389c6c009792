import { randomBytes } from "node:crypto";
import { createSecretBox } from "@tandem/db";
import { createConnectorCache } from "@tandem/runner";
import { isSqlError } from "@tandem/sql";
import { afterAll, describe, expect, it } from "vitest";
import { copySqliteChinook } from "./support/chinook.ts";

const sqlite = await copySqliteChinook();
afterAll(() => sqlite.remove());

describe("the data-source connector cache", () => {
  const cache = createConnectorCache({ secrets: createSecretBox(randomBytes(32)) });
  afterAll(() => cache.close());
  const row = (updatedAt: Date) => ({
    id: "source-1",
    workspaceId: "workspace-1",
    name: "Chinook",
    config: { kind: "sqlite", path: sqlite.path, limits: { statementTimeoutMs: 60_000 } },
    credentialsEncrypted: null,
    updatedAt,
  });

  it("shares one connector per source version, and lets statements on a replaced one finish before closing it", async () => {
    const first = cache.get(row(new Date("2026-01-01T00:00:00Z")), []);
    expect(cache.get(row(new Date("2026-01-01T00:00:00Z")), [])).toBe(first);

    const slow = first.execute("SELECT count(*) FROM Track a CROSS JOIN Track b WHERE a.Milliseconds > b.Milliseconds");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = cache.get(row(new Date("2026-01-02T00:00:00Z")), []); // The source was edited.
    expect(second).not.toBe(first);
    expect((await second.execute("SELECT count(*) FROM Genre")).rows).toEqual([[25]]);

    // Still running on the old settings when they changed: it finishes with its rows.
    const finished = await slow;
    expect(typeof finished.rows[0]?.[0]).toBe("number");
    // Then the old connector is closed.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const error = await first.execute("SELECT 1").then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(isSqlError(error) && error.code).toBe("closed");
  });
});
