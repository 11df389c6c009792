import { Tiktoken } from "js-tiktoken/lite";
import cl100k_base from "js-tiktoken/ranks/cl100k_base";
import { describe, expect, it } from "vitest";
import { makePdf } from "../documents/document-fixtures.ts";
import { parseDocument } from "../documents/parse-document.ts";
import { assembleDocument, type ParsedDocument } from "../documents/parsed-document.ts";
import { chunkDocument, type Chunk } from "./chunk-document.ts";
import { chunkSettingsSchema } from "./chunk-settings.ts";

const reference = new Tiktoken(cl100k_base);
const cl100k = (text: string): number => reference.encode(text, [], []).length;

function sentences(count: number, topic: string): string {
  return Array.from({ length: count }, (_, index) => `Sentence ${index + 1} is about ${topic} and its many details.`).join(" ");
}

function expectConsistent(document: ParsedDocument, chunks: readonly Chunk[], maxTokens: number): void {
  chunks.forEach((chunk, index) => {
    expect(chunk.position).toBe(index);
    expect(chunk.tokenCount).toBe(cl100k(chunk.text));
    expect(chunk.tokenCount).toBeLessThanOrEqual(maxTokens);
    expect(document.text.slice(chunk.metadata.start, chunk.metadata.end)).toBe(chunk.text);
    expect(chunk.text).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]|\uFFFD/);
  });
}

describe("chunkDocument (general)", () => {
  it("fills defaults from the schema", () => {
    expect(chunkSettingsSchema.parse({ mode: "general" })).toEqual({
      mode: "general", separators: ["\n\n", "\n", "。", ". ", " "], maxTokens: 500, overlapTokens: 50,
    });
    expect(() => chunkSettingsSchema.parse({ mode: "general", maxTokens: 50, overlapTokens: 50 })).toThrow(/overlapTokens/);
  });

  it("respects maxTokens, overlaps consecutive chunks and keeps offsets", () => {
    const text = [sentences(12, "rivers"), sentences(12, "mountains"), sentences(12, "oceans")].join("\n\n");
    const document = assembleDocument("txt", [{ text }], {});
    const chunks = chunkDocument(document, { mode: "general", maxTokens: 60, overlapTokens: 15 });
    expect(chunks.length).toBeGreaterThan(5);
    expectConsistent(document, chunks, 60);
    for (const [index, chunk] of chunks.entries()) {
      const next = chunks[index + 1];
      if (next === undefined) continue;
      expect(next.metadata.start).toBeLessThan(chunk.metadata.end);
      const overlap = document.text.slice(next.metadata.start, chunk.metadata.end);
      expect(cl100k(overlap)).toBeGreaterThan(0);
      expect(cl100k(overlap)).toBeLessThanOrEqual(15);
    }
    expect(chunks.at(-1)?.metadata.end).toBe(text.length);
  });

  it("returns the whole text as one chunk when it fits, and no overlap with overlapTokens 0", () => {
    const document = assembleDocument("txt", [{ text: "Short text." }], {});
    expect(chunkDocument(document, { mode: "general" })).toEqual([
      { position: 0, text: "Short text.", tokenCount: 3, metadata: { start: 0, end: 11 } },
    ]);
    const long = assembleDocument("txt", [{ text: sentences(30, "bees") }], {});
    const chunks = chunkDocument(long, { mode: "general", maxTokens: 40, overlapTokens: 0 });
    for (const [index, chunk] of chunks.entries()) {
      const next = chunks[index + 1];
      if (next !== undefined) expect(next.metadata.start).toBeGreaterThanOrEqual(chunk.metadata.end);
    }
  });

  it("keeps page and heading metadata and never mixes pages or sections", async () => {
    const pdf = await parseDocument({ name: "two.pdf", bytes: makePdf([["Alpha page one."], ["Beta page two."]]) });
    const pdfChunks = chunkDocument(pdf, { mode: "general" });
    expect(pdfChunks.map((chunk) => [chunk.metadata.page, chunk.text])).toEqual([[1, "Alpha page one."], [2, "Beta page two."]]);
    const markdown = await parseDocument({ name: "a.md", bytes: new TextEncoder().encode(`# A\n\n${sentences(20, "a")}\n\n## B\n\nTiny.`) });
    const chunks = chunkDocument(markdown, { mode: "general", maxTokens: 80, overlapTokens: 10 });
    expectConsistent(markdown, chunks, 80);
    expect(chunks.at(-1)).toMatchObject({ text: "## B\n\nTiny.", metadata: { heading: ["A", "B"] } });
    expect(chunks.slice(0, -1).every((chunk) => chunk.metadata.heading?.join() === "A")).toBe(true);
  });

  it("splits Chinese text at 。 and hard-splits runs without separators between characters", () => {
    const sentence = "我们今天讨论检索增强生成系统的设计与实现细节";
    const text = `${Array.from({ length: 20 }, () => sentence).join("。")}。${"汉字😀".repeat(200)}`;
    const document = assembleDocument("txt", [{ text }], {});
    const chunks = chunkDocument(document, { mode: "general", maxTokens: 50, overlapTokens: 10 });
    expectConsistent(document, chunks, 50);
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks[0]?.text.endsWith("。")).toBe(true);
    expect(chunks.at(-1)?.metadata.end).toBe(text.length);
  });

  it("counts special-token strings as plain text", () => {
    const document = assembleDocument("txt", [{ text: "before <|endoftext|> after" }], {});
    expect(chunkDocument(document, { mode: "general" })[0]?.tokenCount).toBe(cl100k("before <|endoftext|> after"));
  });
});

describe("chunkDocument (parent-child)", () => {
  it("returns parents, then children that link to their parent and lie inside it", () => {
    const text = [sentences(15, "cats"), sentences(15, "dogs"), sentences(15, "birds")].join("\n\n");
    const document = assembleDocument("txt", [{ text }], {});
    const chunks = chunkDocument(document, { mode: "parent-child", parent: { maxTokens: 200 }, child: { maxTokens: 40 } });
    const parents = chunks.filter((chunk) => chunk.parentPosition === undefined);
    const children = chunks.filter((chunk) => chunk.parentPosition !== undefined);
    expect(parents.length).toBeGreaterThan(1);
    expect(children.length).toBeGreaterThan(parents.length);
    expectConsistent(document, parents, 200);
    expect(chunks.map((chunk) => chunk.position)).toEqual(chunks.map((_, index) => index));
    for (const child of children) {
      const parent = parents[child.parentPosition ?? -1];
      expect(parent).toBeDefined();
      expect(child.tokenCount).toBe(cl100k(child.text));
      expect(child.tokenCount).toBeLessThanOrEqual(40);
      expect(child.metadata.start).toBeGreaterThanOrEqual(parent?.metadata.start ?? Infinity);
      expect(child.metadata.end).toBeLessThanOrEqual(parent?.metadata.end ?? -1);
    }
    for (const parent of parents) {
      expect(children.some((child) => child.parentPosition === parent.position)).toBe(true);
    }
  });
});
