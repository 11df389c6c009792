import { describe, expect, it } from "vitest";
import { databaseSchemaSchema, type DatabaseSchema } from "../introspection/database-schema.ts";
import { applyAnnotations } from "../introspection/schema-annotations.ts";
import chinookJson from "./fixtures/chinook-schema.json";
import { linkSchema } from "./link-schema.ts";
import { quoteIdentifier, renderSchemaForPrompt } from "./render-schema-for-prompt.ts";

const chinook = databaseSchemaSchema.parse(chinookJson);

describe("renderSchemaForPrompt", () => {
  it("renders the linked tables as compact CREATE TABLE text with keys, notes and sample values", async () => {
    const annotated = applyAnnotations(chinook, {
      tables: { Track: { description: "A song on an album", columns: { UnitPrice: "Price of one download, USD" } } },
      businessTerms: [{ term: "long track", meaning: "a track over 5 minutes", sql: "Track.Milliseconds > 300000" }],
    });
    const linked = await linkSchema("Price of long tracks per media type", annotated);
    const text = renderSchemaForPrompt(linked);
    expect(text).toContain('-- Business terms\n-- "long track": a track over 5 minutes (SQL: Track.Milliseconds > 300000)');
    expect(text).toContain("CREATE TABLE Track ( -- A song on an album; 3503 rows");
    expect(text).toContain("  MediaTypeId INTEGER NOT NULL REFERENCES MediaType(MediaTypeId),");
    expect(text).toContain("  UnitPrice NUMERIC(10,2) NOT NULL -- Price of one download, USD\n);");
    expect(text).not.toContain("PlaylistTrack");
    expect(text).toMatch(/ {2}Name NVARCHAR\(120\) -- values: 'AAC audio file', 'MPEG audio file', /);
    expect(text).not.toContain("CREATE TABLE Customer");
    expect(text.length).toBeLessThan(renderSchemaForPrompt(annotated).length / 3);
  });

  it("quotes what the dialect needs quoted, and writes composite keys and schemas", () => {
    expect(quoteIdentifier("InvoiceLine", "postgresql")).toBe('"InvoiceLine"');
    expect(quoteIdentifier("invoice_line", "postgresql")).toBe("invoice_line");
    expect(quoteIdentifier("Order Details", "mysql")).toBe("`Order Details`");
    expect(quoteIdentifier("InvoiceLine", "sqlite")).toBe("InvoiceLine");
    const schema: DatabaseSchema = {
      version: 1,
      dialect: "postgresql",
      introspectedAt: "2026-01-01T00:00:00.000Z",
      tables: [
        {
          schema: "sales",
          name: "order_line",
          kind: "table",
          rowCount: 2_000_000,
          rowCountExact: false,
          columns: [
            { name: "order_id", type: "integer", family: "number", nullable: false, primaryKey: true },
            { name: "line_no", type: "integer", family: "number", nullable: false, primaryKey: true },
            { name: "Note", type: "text", family: "string", nullable: true, primaryKey: false, comment: "free\ntext" },
          ],
          primaryKey: ["order_id", "line_no"],
          foreignKeys: [{ columns: ["order_id", "line_no"], referencedTable: "sales.shipment", referencedColumns: ["order_id", "line_no"] }],
        },
      ],
    };
    expect(renderSchemaForPrompt(schema)).toBe(
      [
        "CREATE TABLE sales.order_line ( -- about 2000000 rows",
        "  order_id integer NOT NULL,",
        "  line_no integer NOT NULL,",
        '  "Note" text, -- free text',
        "  PRIMARY KEY (order_id, line_no),",
        "  FOREIGN KEY (order_id, line_no) REFERENCES sales.shipment(order_id, line_no)",
        ");",
      ].join("\n"),
    );
  });
});
