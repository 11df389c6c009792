import { chunkSettingsSchema } from "@tandem/knowledge";
import { afterEach, describe, expect, it } from "vitest";
import { createLazyPreparationPool, createPreparationPool, type PreparationPool } from "./create-preparation-pool.ts";
import { prepareDocument } from "./prepare-document.ts";

const chunking = chunkSettingsSchema.parse({ mode: "general", maxTokens: 8, overlapTokens: 0 });
const encoder = new TextEncoder();
const pools: PreparationPool[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

describe("createPreparationPool", () => {
  it("prepares documents on worker threads exactly as in-thread", async () => {
    const pool = createPreparationPool({ threads: 2 });
    pools.push(pool);
    const texts = ["Invoices are due in thirty days. Late invoices accrue interest.", "Receipts are kept for seven years by finance."];
    // A view on a larger buffer, as database drivers hand out: only the view's bytes are the file.
    const shared = encoder.encode(`xxxx${texts[0]}yyyy`);
    const view = shared.subarray(4, 4 + encoder.encode(texts[0]).length);
    const results = await Promise.all([
      pool.prepare({ name: "a.txt", mimeType: "text/plain", bytes: view, chunking }),
      pool.prepare({ name: "b.txt", mimeType: "text/plain", bytes: encoder.encode(texts[1]), chunking }),
    ]);
    const expected = await Promise.all(texts.map((text, index) => prepareDocument({ name: `${index}.txt`, mimeType: "text/plain", bytes: encoder.encode(text), chunking })));
    expect(results).toEqual(expected);
    expect(results[0]).toMatchObject({ ok: true });
    // The caller's buffer is untouched (copied, not transferred away).
    expect(shared.byteLength).toBeGreaterThan(0);
  });

  it("returns a parse failure as a result, never a rejection", async () => {
    const pool = createPreparationPool({ threads: 1 });
    pools.push(pool);
    expect(await pool.prepare({ name: "empty.txt", mimeType: "text/plain", bytes: new Uint8Array(), chunking })).toMatchObject({ ok: false, code: "empty_document" });
    expect(await pool.prepare({ name: "x.pdf", mimeType: "application/pdf", bytes: encoder.encode("%PDF-1.7 garbage"), chunking })).toMatchObject({
      ok: false,
      code: "corrupt_document",
    });
  });

  it("prepares in-thread with zero threads, and starts lazily", async () => {
    const inline = createPreparationPool({ threads: 0 });
    expect(inline.threads).toBe(0);
    expect(await inline.prepare({ name: "a.txt", mimeType: "text/plain", bytes: encoder.encode("Hello there"), chunking })).toMatchObject({ ok: true });
    const lazy = createLazyPreparationPool({ threads: 1 });
    pools.push(lazy);
    await lazy.close();
  });
});
