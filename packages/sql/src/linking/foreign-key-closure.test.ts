import { describe, expect, it } from "vitest";
import { databaseSchemaSchema } from "../introspection/database-schema.ts";
import chinookJson from "./fixtures/chinook-schema.json";
import { foreignKeyClosure, foreignKeyGraph } from "./foreign-key-closure.ts";

const graph = foreignKeyGraph(databaseSchemaSchema.parse(chinookJson));

describe("foreignKeyClosure", () => {
  it("adds the tables on the shortest join path between linked ones", () => {
    expect(foreignKeyClosure(["Customer", "Genre"], graph)).toEqual(["Invoice", "InvoiceLine", "Track"]);
    expect(foreignKeyClosure(["Artist", "Track"], graph)).toEqual(["Album"]);
    expect(foreignKeyClosure(["Album", "Artist"], graph)).toEqual([]);
  });

  it("prefers the better-scored table between equally short paths, and respects the limits", () => {
    // Track and Playlist join through PlaylistTrack only; Track and Customer through InvoiceLine and Invoice.
    expect(foreignKeyClosure(["Track", "Playlist", "Customer"], graph)).toEqual(["PlaylistTrack", "InvoiceLine", "Invoice"]);
    expect(foreignKeyClosure(["Customer", "Genre"], graph, { maxHops: 2 })).toEqual([]);
    expect(foreignKeyClosure(["Customer", "Genre"], graph, { maxTables: 4 })).toEqual([]);
  });
});
