import { describe, expect, it } from "vitest";
import { renderJsonTemplate } from "./render-json-template.ts";

const values: Record<string, string> = { "{{#a.text#}}": 'he said "hi"\\n', "{{#a.n#}}": "3", "{{#a.obj#}}": '{"k":[1]}' };
const render = (text: string) => values[text] ?? text;

describe("renderJsonTemplate", () => {
  it("escapes values inside strings and inserts them as is outside", () => {
    const text = renderJsonTemplate('{"t": "<{{#a.text#}}>", "n": {{#a.n#}}, "o": {{#a.obj#}}}', render);
    expect(JSON.parse(text)).toEqual({ t: '<he said "hi"\\n>', n: 3, o: { k: [1] } });
  });

  it("keeps track of strings across escaped quotes", () => {
    const text = renderJsonTemplate('{"q": "a \\" {{#a.text#}}", "n": {{#a.n#}}}', render);
    expect(JSON.parse(text)).toEqual({ q: 'a " he said "hi"\\n', n: 3 });
  });

  it("leaves unterminated references alone", () => {
    expect(renderJsonTemplate('{"x": "{{#a.n"}', render)).toBe('{"x": "{{#a.n"}');
  });
});
