import { describe, expect, it } from "vitest";
import { buildSqlPrompt } from "./build-sql-prompt.ts";

const schemaText = 'CREATE TABLE "Artist" (\n  "ArtistId" INTEGER PRIMARY KEY,\n  "Name" TEXT\n);';

describe("buildSqlPrompt", () => {
  it("writes short numbered rules for the dialect, then the schema, then the question", () => {
    const messages = buildSqlPrompt({ question: " How many artists are there? ", dialect: "postgresql", linkedSchemaText: schemaText, maxRows: 100 });
    expect(messages.map((message) => message.role)).toEqual(["system", "user"]);
    const system = messages[0]?.content ?? "";
    expect(system).toContain("1. Write exactly one read-only PostgreSQL SELECT statement");
    expect(system).toContain('"double quotes"');
    expect(system).toContain("never more than 100 rows");
    expect(system).toContain("```sql block");
    expect(system.endsWith(schemaText)).toBe(true);
    expect(system.length).toBeLessThan(1500);
    expect(messages[1]?.content).toBe("Question: How many artists are there?");
  });

  it("names each dialect's quoting and date functions", () => {
    const system = (dialect: "mysql" | "sqlite") => buildSqlPrompt({ question: "q", dialect, linkedSchemaText: "" })[0]?.content ?? "";
    expect(system("mysql")).toMatch(/MySQL\/MariaDB SELECT.*[\s\S]*backticks[\s\S]*DATE_FORMAT/);
    expect(system("sqlite")).toMatch(/SQLite SELECT[\s\S]*strftime/);
  });

  it("puts examples as earlier turns and business terms after the schema", () => {
    const messages = buildSqlPrompt({
      question: "Top customers?",
      dialect: "sqlite",
      linkedSchemaText: schemaText,
      examples: [{ question: "How many albums?", sql: "SELECT COUNT(*) FROM Album;" }],
      businessTerms: [{ term: "big spender", meaning: "a customer with invoices over 40", sql: "Total > 40" }],
    });
    expect(messages.slice(1)).toEqual([
      { role: "user", content: "Question: How many albums?" },
      { role: "assistant", content: "```sql\nSELECT COUNT(*) FROM Album;\n```" },
      { role: "user", content: "Question: Top customers?" },
    ]);
    expect(messages[0]?.content).toContain('Business terms:\n- "big spender": a customer with invoices over 40 (SQL: Total > 40)');
  });

  it("feeds the last two failed attempts back with their errors", () => {
    const messages = buildSqlPrompt({
      question: "Artist names?",
      dialect: "sqlite",
      linkedSchemaText: schemaText,
      previousAttempts: [
        { sql: "SELECT a FROM Artist", error: "first" },
        { answer: "I think the table is artists", error: "no SQL statement found in the answer" },
        { sql: "SELECT Nme FROM Artist", error: "no such column: Nme" },
      ],
    });
    expect(messages.slice(2)).toEqual([
      { role: "assistant", content: "I think the table is artists" },
      { role: "user", content: "That query failed: no SQL statement found in the answer\nWrite a corrected query for the same question, as one ```sql block." },
      { role: "assistant", content: "```sql\nSELECT Nme FROM Artist\n```" },
      { role: "user", content: "That query failed: no such column: Nme\nWrite a corrected query for the same question, as one ```sql block." },
    ]);
  });
});
