import { describe, expect, it } from "vitest";
import { databaseSchemaSchema } from "../introspection/database-schema.ts";
import { applyAnnotations } from "../introspection/schema-annotations.ts";
import chinookJson from "./fixtures/chinook-schema.json";
import { linkSchema } from "./link-schema.ts";

const chinook = databaseSchemaSchema.parse(chinookJson);
const names = (linked: { tables: Array<{ name: string }> }) => linked.tables.map((table) => table.name).sort();
const columnsOf = (linked: { tables: Array<{ name: string; columns: string[] }> }, table: string) => linked.tables.find((entry) => entry.name === table)?.columns ?? [];

describe("linkSchema on Chinook", () => {
  it("links named tables and the join tables between them (foreign-key closure)", async () => {
    const linked = await linkSchema("Which genres do customers from Brazil buy most?", chinook);
    expect(names(linked)).toEqual(["Customer", "Genre", "Invoice", "InvoiceLine", "Track"]);
    expect(linked.tables.find((table) => table.name === "InvoiceLine")?.reason).toBe("join");
    expect(linked.tables.find((table) => table.name === "Genre")?.reason).toBe("matched");
  });

  it("keeps the primary and foreign keys of every kept table, and the matched columns", async () => {
    const linked = await linkSchema("Total of invoices per billing country", chinook);
    expect(columnsOf(linked, "Invoice")).toEqual(expect.arrayContaining(["InvoiceId", "CustomerId", "BillingCountry", "Total"]));
    expect(columnsOf(linked, "Invoice")).not.toContain("BillingPostalCode");
    expect(linked.columnsKept).toBeLessThan(linked.columnsTotal / 2);
  });

  it("matches a question word against sample values", async () => {
    const linked = await linkSchema("How many tracks are protected AAC audio files?", chinook);
    expect(names(linked)).toContain("MediaType");
    expect(linked.tables.find((table) => table.name === "MediaType")?.evidence).toMatch(/Protected AAC audio file/);
  });

  it("uses attribute cues and the user's descriptions and business terms", async () => {
    const annotated = applyAnnotations(chinook, {
      tables: { Employee: { columns: { ReportsTo: "the manager of the employee" } } },
      businessTerms: [{ term: "big spender", meaning: "a customer whose invoices total more than 40 dollars", sql: "SUM(Invoice.Total) > 40" }],
    });
    const manager = await linkSchema("Who is the manager of Jane Peacock?", annotated);
    expect(columnsOf(manager, "Employee")).toContain("ReportsTo");
    const spenders = await linkSchema("List the big spenders", annotated);
    expect(names(spenders)).toEqual(expect.arrayContaining(["Customer", "Invoice"]));
    expect(columnsOf(spenders, "Invoice")).toContain("Total");
  });

  it("falls back to the best guess instead of nothing, and respects the budgets", async () => {
    const nothing = await linkSchema("zzz qqq", chinook);
    expect(nothing.tables).toHaveLength(1);
    expect(nothing.tables[0]?.reason).toBe("fallback");
    const capped = await linkSchema("customers invoices tracks albums artists genres playlists employees", chinook, { maxTables: 3, maxColumns: 8 });
    expect(capped.tablesKept).toBeLessThanOrEqual(3);
    expect(capped.columnsKept).toBeLessThanOrEqual(8);
  });

  it("adds embedding similarity when an embed function is given, and works without one", async () => {
    // A stand-in embedding: the question and "album title" share a direction, nothing else does.
    const embed = async (texts: string[]) => texts.map((text) => (/record|album title/i.test(text) ? [1, 0] : [0, 1]));
    const without = await linkSchema("Which records came out?", chinook);
    const withEmbeddings = await linkSchema("Which records came out?", chinook, { embed });
    expect(without.tables.map((table) => table.reason)).toEqual(["fallback"]);
    expect(withEmbeddings.tables).toEqual([expect.objectContaining({ name: "Album", reason: "matched", evidence: expect.stringContaining("Title") as unknown })]);
  });

  it("returns the cut-down schema for prompts, with foreign keys only between kept tables", async () => {
    const linked = await linkSchema("album titles by artist name", chinook);
    expect(linked.schema.tables.map((table) => table.name)).toEqual(["Album", "Artist"]);
    expect(linked.schema.tables.find((table) => table.name === "Album")?.foreignKeys).toEqual([{ columns: ["ArtistId"], referencedTable: "Artist", referencedColumns: ["ArtistId"] }]);
  });
});
