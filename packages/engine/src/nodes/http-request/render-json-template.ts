/**
 * Fills `{{#node.output#}}` references into JSON text. Inside a string literal the value is escaped,
 * so `{"q": "{{#start.query#}}"}` stays valid JSON when the query contains quotes or line breaks;
 * outside one it is inserted as is, so `{"n": {{#start.count#}}}` inserts a number or an object.
 * Each reference goes through `render`, the runtime's one way of reading variables.
 */
export function renderJsonTemplate(template: string, render: (text: string) => string): string {
  let output = "";
  let inString = false;
  let index = 0;
  while (index < template.length) {
    if (template.startsWith("{{#", index)) {
      const end = template.indexOf("#}}", index + 3);
      if (end !== -1) {
        const value = render(template.slice(index, end + 3));
        output += inString ? JSON.stringify(value).slice(1, -1) : value;
        index = end + 3;
        continue;
      }
    }
    const character = template.charAt(index);
    if (inString && character === "\\") {
      // An escape: copy it with the character it escapes, which may be a quote.
      output += template.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (character === '"') inString = !inString;
    output += character;
    index += 1;
  }
  return output;
}
