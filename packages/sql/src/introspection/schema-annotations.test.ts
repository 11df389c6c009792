import { describe, expect, it } from "vitest";
import chinookJson from "../linking/fixtures/chinook-schema.json";
import { databaseSchemaSchema } from "./database-schema.ts";
import { applyAnnotations, schemaAnnotationsSchema } from "./schema-annotations.ts";

const chinook = databaseSchemaSchema.parse(chinookJson);

describe("DatabaseSchema", () => {
  it("survives a JSON round trip (the runner caches it in a JSON column)", () => {
    expect(databaseSchemaSchema.parse(JSON.parse(JSON.stringify(chinook)))).toEqual(chinook);
    expect(databaseSchemaSchema.safeParse({ ...chinook, version: 2 }).success).toBe(false);
  });
});

describe("applyAnnotations", () => {
  it("merges descriptions by table key or bare name, case-insensitively, and adds business terms", () => {
    const annotated = applyAnnotations(chinook, {
      tables: {
        invoice: { description: "A sale", columns: { total: "Amount paid, USD", Gone: "a column that was dropped" } },
        Nope: { description: "a table that no longer exists" },
      },
      businessTerms: [{ term: "revenue", meaning: "sum of invoice totals", sql: "SUM(Invoice.Total)" }],
    });
    const invoice = annotated.tables.find((table) => table.name === "Invoice");
    expect(invoice?.description).toBe("A sale");
    expect(invoice?.columns.find((column) => column.name === "Total")?.description).toBe("Amount paid, USD");
    expect(annotated.businessTerms).toEqual([{ term: "revenue", meaning: "sum of invoice totals", sql: "SUM(Invoice.Total)" }]);
    expect(chinook.tables.find((table) => table.name === "Invoice")?.description).toBeUndefined();
  });

  it("rejects annotations that are not the documented shape", () => {
    expect(schemaAnnotationsSchema.safeParse({ businessTerms: [{ term: "" , meaning: "x" }] }).success).toBe(false);
    expect(schemaAnnotationsSchema.parse({})).toEqual({ tables: {}, businessTerms: [] });
  });
});
