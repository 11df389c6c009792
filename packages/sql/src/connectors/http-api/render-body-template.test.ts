import { describe, expect, it } from "vitest";
import { renderBodyTemplate, renderUrlTemplate } from "./render-body-template.ts";

const values = { sql: `SELECT 'a"b\\c'\nFROM t -- }}"`, maxRows: 101, timeoutMs: 5000 };

describe("renderBodyTemplate", () => {
  it("puts the SQL inside JSON strings, escaped, wherever the placeholder is", () => {
    const body = renderBodyTemplate('{"query": "{{sql}}", "options": {"limit": "{{maxRows}}", "note": "max {{ maxRows }} rows", "timeout": "{{timeoutMs}}"}, "tags": ["{{sql}}"]}', values);
    expect(JSON.parse(body)).toEqual({ query: values.sql, options: { limit: 101, note: "max 101 rows", timeout: 5000 }, tags: [values.sql] });
  });

  it("URL-encodes placeholders in the URL", () => {
    expect(renderUrlTemplate("https://db.example/run?q={{sql}}&n={{maxRows}}", { ...values, sql: "SELECT 1 & 2" })).toBe("https://db.example/run?q=SELECT%201%20%26%202&n=101");
  });
});
