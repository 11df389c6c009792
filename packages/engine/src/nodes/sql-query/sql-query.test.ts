import { describe, expect, it } from "vitest";
import { createNodeTestContext } from "../../testing/node-test-context.ts";
import { createTestSqlDataSources, TEST_SOURCE_ID } from "../../testing/test-sql-data-sources.ts";
import { sqlQueryNode } from "./sql-query.node.ts";
import { sqlQueryConfigSchema } from "./sql-query.schema.ts";

const parse = (sql: string) => sqlQueryConfigSchema.parse({ dataSourceId: TEST_SOURCE_ID, sql });
const artist = { columns: [{ name: "Name", type: "string" as const }], rows: [["AC/DC"]], truncated: false };

describe("sql-query node", () => {
  it("inserts upstream values as quoted literals and runs the statement guarded", async () => {
    const expected = "SELECT Name FROM Artist WHERE Name = 'AC/DC' AND ArtistId IN (1, 2)";
    const sql = createTestSqlDataSources({ [expected]: artist });
    const context = createNodeTestContext({ pool: { start: { name: "AC/DC", ids: [1, 2] } }, services: { sql } });
    const result = await sqlQueryNode.run(parse("SELECT Name FROM Artist WHERE Name = {{#start.name#}} AND ArtistId IN ({{#start.ids#}})"), context);
    expect(result.outputs).toMatchObject({ rows: [{ Name: "AC/DC" }], row_count: 1, sql: `${expected}\nLIMIT 100` });
  });

  it("keeps an injection attempt inside the literal", async () => {
    const sql = createTestSqlDataSources({});
    const context = createNodeTestContext({ pool: { start: { name: "x'; DROP TABLE Artist; --" } }, services: { sql } });
    await expect(sqlQueryNode.run(parse("SELECT Name FROM Artist WHERE Name = {{#start.name#}}"), context)).rejects.toMatchObject({ code: "database_error" });
    expect(sql.executed).toEqual(["SELECT Name FROM Artist WHERE Name = 'x''; DROP TABLE Artist; --'\nLIMIT 100"]);
  });

  it("refuses a reference written inside quotes, and a template that is not a SELECT", async () => {
    const sql = createTestSqlDataSources({});
    const context = createNodeTestContext({ pool: { start: { name: "x" } }, services: { sql } });
    await expect(sqlQueryNode.run(parse("SELECT Name FROM Artist WHERE Name = '{{#start.name#}}'"), context)).rejects.toThrow(/inside a quoted string.*without quotes/);
    await expect(sqlQueryNode.run(parse("DELETE FROM Artist WHERE Name = {{#start.name#}}"), context)).rejects.toMatchObject({ code: "guard_refused" });
    expect(sql.executed).toEqual([]);
  });
});
