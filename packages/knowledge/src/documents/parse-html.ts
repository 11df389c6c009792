import { HeadingPath } from "./heading-path.ts";
import type { TextParts } from "./parse-markdown.ts";
import type { SectionDraft } from "./parsed-document.ts";

const DROPPED_ELEMENTS = /<(script|style|noscript|template|svg|head|iframe|object)\b[\s\S]*?<\/\1\s*>/gi;
const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const PARAGRAPH_TAGS = new Set(["p", "pre", "blockquote", "table", "ul", "ol", "dl", "hr", "section", "article", "figure"]);
const LINE_TAGS = new Set([
  "br", "div", "li", "tr", "dt", "dd", "header", "footer", "main", "nav", "aside", "figcaption", "form",
  "address", "details", "summary", "caption", "thead", "tbody", "option",
]);
const CELL_TAGS = new Set(["td", "th"]);

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", copy: "©", reg: "®", trade: "™",
  hellip: "…", mdash: "—", ndash: "–", lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”", bull: "•",
  middot: "·", euro: "€", pound: "£", yen: "¥", deg: "°", times: "×", divide: "÷", laquo: "«", raquo: "»",
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity: string, body: string) => {
    if (body.startsWith("#")) {
      const codePoint = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

/** Ends the text with at least `count` line breaks (`br` always adds one). */
function endWithBreaks(text: string, count: number): string {
  if (count === 0) return `${text}\n`;
  const trailing = /\n*$/.exec(text)?.[0].length ?? 0;
  return trailing >= count ? text : text + "\n".repeat(count - trailing);
}

function tidy(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
}

/**
 * A small tag-stripping HTML reader (no DOM): drops scripts, styles and the head, turns block tags
 * into line breaks, and starts a section at every h1–h6 with its heading path. Title: `<title>`,
 * else the first h1.
 */
export function parseHtml(html: string): TextParts {
  const titleMatch = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  let title = titleMatch?.[1] === undefined ? undefined : decodeEntities(titleMatch[1]).replace(/\s+/g, " ").trim();
  const body = html.replace(/<!--[\s\S]*?-->/g, "").replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "").replace(/<![^>]*>/g, "").replace(DROPPED_ELEMENTS, "");

  const path = new HeadingPath();
  const drafts: SectionDraft[] = [];
  let current: SectionDraft = { text: "" };
  let heading: { level: number; text: string } | undefined;
  let preDepth = 0;

  const appendText = (raw: string): void => {
    if (preDepth > 0 && heading === undefined) {
      current.text += decodeEntities(raw);
      return;
    }
    const collapsed = decodeEntities(raw.replace(/\s+/g, " "));
    if (heading !== undefined) heading.text += collapsed;
    else current.text += /(^|\s)$/.test(current.text) ? collapsed.trimStart() : collapsed;
  };

  let cursor = 0;
  for (const match of body.matchAll(TAG)) {
    appendText(body.slice(cursor, match.index));
    cursor = match.index + match[0].length;
    const closing = match[1] === "/";
    const tag = (match[2] ?? "").toLowerCase();
    const headingLevel = /^h([1-6])$/.exec(tag)?.[1];
    if (headingLevel !== undefined) {
      if (!closing) {
        heading = { level: Number(headingLevel), text: "" };
      } else if (heading !== undefined) {
        const text = heading.text.replace(/\s+/g, " ").trim();
        if (text !== "") {
          drafts.push(current);
          current = { text: `${text}\n\n`, heading: path.enter(heading.level, text) };
          if (heading.level === 1) title ??= text;
        }
        heading = undefined;
      }
      continue;
    }
    if (tag === "pre") preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
    if (heading !== undefined) continue;
    if (PARAGRAPH_TAGS.has(tag)) current.text = endWithBreaks(current.text, 2);
    else if (LINE_TAGS.has(tag)) current.text = endWithBreaks(current.text, tag === "br" ? 0 : 1);
    else if (CELL_TAGS.has(tag) && closing) current.text += " ";
  }
  appendText(body.slice(cursor));
  drafts.push(current);
  const cleaned = drafts.map((draft) => ({ ...draft, text: tidy(draft.text) }));
  return { drafts: cleaned, metadata: title === undefined || title === "" ? {} : { title } };
}
