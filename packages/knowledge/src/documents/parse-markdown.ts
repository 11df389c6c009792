import { HeadingPath } from "./heading-path.ts";
import type { DocumentMetadata, SectionDraft } from "./parsed-document.ts";

export interface TextParts {
  drafts: SectionDraft[];
  metadata: DocumentMetadata;
}

/**
 * Splits Markdown at ATX (`## Title`) and setext (`Title` over `===`/`---`) headings outside fenced
 * code. Each section keeps its heading line in its text and carries the heading path.
 */
export function parseMarkdown(text: string): TextParts {
  const lines = text.split("\n");
  const path = new HeadingPath();
  const drafts: SectionDraft[] = [];
  let current: SectionDraft = { text: "" };
  let fence: string | undefined;
  let title: string | undefined;

  const startSection = (level: number, heading: string, line: string): void => {
    drafts.push(current);
    const headingPath = path.enter(level, heading);
    if (level === 1) title ??= heading;
    current = { text: `${line}\n`, heading: headingPath };
  };

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch?.[1] !== undefined) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      current.text += `${line}\n`;
      continue;
    }
    if (fence === undefined) {
      const atx = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
      if (atx?.[1] !== undefined && atx[2] !== undefined && atx[2] !== "") {
        startSection(atx[1].length, atx[2].trim(), line);
        continue;
      }
      const underline = lines[index + 1] ?? "";
      const setext = /^ {0,3}(=+|-+)[ \t]*$/.exec(underline);
      const isParagraphStart = line.trim() !== "" && (index === 0 || (lines[index - 1] ?? "").trim() === "");
      if (setext?.[1] !== undefined && isParagraphStart && !/^ {0,3}([-*+>]|\d+\.)\s/.test(line)) {
        startSection(setext[1].startsWith("=") ? 1 : 2, line.trim(), `${line}\n${underline}`);
        index += 1;
        continue;
      }
    }
    current.text += `${line}\n`;
  }
  drafts.push(current);
  return { drafts, metadata: title === undefined ? {} : { title } };
}
