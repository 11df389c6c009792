import { describe, expect, it } from "vitest";
import { makeDocx, makePdf, makePlainZip, makeXlsx } from "./document-fixtures.ts";
import { isDocumentParseError, type DocumentParseErrorCode } from "./document-parse-error.ts";
import { parseDocument, type DocumentInput, type ParseDocumentOptions } from "./parse-document.ts";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

async function expectFailure(input: DocumentInput, code: DocumentParseErrorCode, message: RegExp, options?: ParseDocumentOptions) {
  const error: unknown = await parseDocument(input, options).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(isDocumentParseError(error)).toBe(true);
  if (!isDocumentParseError(error)) return;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
}

describe("parseDocument", () => {
  it("reads a two-page PDF with one section per page", async () => {
    const bytes = makePdf([["Quarterly report", "Revenue grew (a lot)."], ["Page two talks about costs."]]);
    const parsed = await parseDocument({ name: "report.pdf", bytes });
    expect(parsed.format).toBe("pdf");
    expect(parsed.metadata.pages).toBe(2);
    expect(parsed.sections.map((section) => [section.page, section.text])).toEqual([
      [1, "Quarterly report\nRevenue grew (a lot)."],
      [2, "Page two talks about costs."],
    ]);
    for (const section of parsed.sections) {
      expect(parsed.text.slice(section.position, section.position + section.text.length)).toBe(section.text);
    }
  });

  it("reads a DOCX with heading paths", async () => {
    const bytes = await makeDocx([
      { style: "Title", text: "Handbook" },
      { style: "Heading1", text: "Leave" },
      { text: "Everyone gets 25 days." },
      { style: "Heading2", text: "Sick leave" },
      { text: "Tell your manager & HR." },
      { style: "Heading1", text: "Travel" },
      { text: "Book through the portal." },
    ]);
    const parsed = await parseDocument({ name: "handbook.docx", bytes });
    expect(parsed.format).toBe("docx");
    expect(parsed.metadata.title).toBe("Handbook");
    const byHeading = parsed.sections.map((section) => [section.heading?.join(" > "), section.text]);
    expect(byHeading).toEqual([
      ["Handbook", "Handbook"],
      ["Leave", "Leave\n\nEveryone gets 25 days."],
      ["Leave > Sick leave", "Sick leave\n\nTell your manager & HR."],
      ["Travel", "Travel\n\nBook through the portal."],
    ]);
  });

  it("reads an XLSX with one section per sheet and rows as column: value", async () => {
    const bytes = await makeXlsx({
      People: [["name", "age"], ["Ada", 36], ["Linus", 28]],
      Cities: [["city"], ["Paris"]],
    });
    const parsed = await parseDocument({ name: "data.xlsx", bytes });
    expect(parsed.metadata.sheetNames).toEqual(["People", "Cities"]);
    expect(parsed.sections.map((section) => [section.heading, section.text])).toEqual([
      [["People"], "name: Ada\nage: 36\n\nname: Linus\nage: 28"],
      [["Cities"], "city: Paris"],
    ]);
  });

  it("reads CSV with the header respected, quoted fields and empty cells left out", async () => {
    const csv = 'name,city,note\r\nAda,"London, UK",\r\nLinus,Helsinki,"says ""hi"""\r\n\r\n';
    const parsed = await parseDocument({ name: "people.csv", bytes: utf8(csv) });
    expect(parsed.format).toBe("csv");
    expect(parsed.metadata.rows).toBe(2);
    expect(parsed.sections.map((section) => section.text)).toEqual([
      "name: Ada\ncity: London, UK",
      'name: Linus\ncity: Helsinki\nnote: says "hi"',
    ]);
  });

  it("reads HTML without scripts and styles, keeping headings", async () => {
    const html = `<!doctype html><html><head><title>Docs &amp; more</title><style>p{color:red}</style></head>
      <body><script>alert("x<y")</script><!-- hidden -->
      <h1>Install</h1><p>Run   <code>npm&nbsp;i</code>.</p>
      <h2>On Linux</h2><ul><li>apt</li><li>snap</li></ul>
      <h1>Use</h1><p data-x="a>b">It works &#x1F600;</p></body></html>`;
    const parsed = await parseDocument({ name: "page.html", bytes: utf8(html) });
    expect(parsed.metadata.title).toBe("Docs & more");
    expect(parsed.text).not.toMatch(/alert|color|hidden/);
    expect(parsed.sections.map((section) => [section.heading, section.text])).toEqual([
      [["Install"], "Install\n\nRun npm i."],
      [["Install", "On Linux"], "On Linux\n\napt\nsnap"],
      [["Use"], "Use\n\nIt works 😀"],
    ]);
  });

  it("reads Markdown into heading sections, ignoring # inside code fences", async () => {
    const markdown = "Intro line.\n\n# Guide\n\nText.\n\n## Setup\n\n```sh\n# not a heading\n```\n\nSubtitle\n--------\n\nMore.\n";
    const parsed = await parseDocument({ name: "README.md", bytes: utf8(markdown) });
    expect(parsed.metadata.title).toBe("Guide");
    expect(parsed.sections.map((section) => [section.heading, section.text])).toEqual([
      [undefined, "Intro line."],
      [["Guide"], "# Guide\n\nText."],
      [["Guide", "Setup"], "## Setup\n\n```sh\n# not a heading\n```"],
      [["Guide", "Subtitle"], "Subtitle\n--------\n\nMore."],
    ]);
  });

  it("reads JSON: an array of small objects gives one section per item", async () => {
    const parsed = await parseDocument({ name: "faq.json", bytes: utf8('[{"q":"Why?","a":"Because."},{"q":"How?"}]') });
    expect(parsed.sections.map((section) => section.text)).toEqual(['{\n  "q": "Why?",\n  "a": "Because."\n}', '{\n  "q": "How?"\n}']);
    const object = await parseDocument({ name: "config.json", bytes: utf8('{"a":[1,2]}') });
    expect(object.text).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
  });

  it("reads plain text, decoding a Windows-1252 file and CRLF", async () => {
    const parsed = await parseDocument({ name: "notes.txt", bytes: new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0x6f, 0x6b]) });
    expect(parsed).toMatchObject({ format: "txt", text: "café\nok" });
  });

  it("trusts the magic bytes over the name: a DOCX named .pdf and a PDF with no extension", async () => {
    const docx = await makeDocx([{ text: "Renamed but fine." }]);
    expect((await parseDocument({ name: "oops.pdf", bytes: docx })).format).toBe("docx");
    const pdf = makePdf([["Hello"]]);
    expect((await parseDocument({ name: "upload", mimeType: "application/octet-stream", bytes: pdf })).text).toBe("Hello");
  });

  it("refuses corrupt, empty, unsupported and oversized files with codes and actionable messages", async () => {
    await expectFailure({ name: "report.pdf", bytes: utf8("%PDF-1.7\nthis is not really a pdf") }, "corrupt_document", /^report\.pdf could not be read as a PDF: .+Re-export it or upload another format\.$/);
    await expectFailure({ name: "scan.pdf", bytes: utf8("just text") }, "corrupt_document", /scan\.pdf could not be read as a PDF/);
    await expectFailure({ name: "empty.txt", bytes: new Uint8Array() }, "empty_document", /empty\.txt is empty \(0 bytes\)\. Upload/);
    await expectFailure({ name: "blank.md", bytes: utf8("  \n\n ") }, "empty_document", /blank\.md \(Markdown\) contains no text/);
    await expectFailure({ name: "blank.pdf", bytes: makePdf([[]]) }, "empty_document", /OCR/);
    await expectFailure({ name: "setup.exe", bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0]) }, "unsupported_format", /setup\.exe is a Windows executable.+Upload PDF, DOCX/);
    await expectFailure({ name: "tool.txt", bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0]) }, "unsupported_format", /Windows executable/);
    await expectFailure({ name: "slides.pptx", bytes: utf8("hello") }, "unsupported_format", /Unsupported file type: the extension of slides\.pptx/);
    await expectFailure({ name: "report.pdf", bytes: await makePlainZip() }, "unsupported_format", /report\.pdf is a ZIP archive \(its name says a PDF\).+Extract it/);
    await expectFailure({ name: "book.xlsx", bytes: await makePlainZip() }, "corrupt_document", /without the parts of an Excel workbook/);
    await expectFailure({ name: "bad.json", bytes: utf8("{oops") }, "corrupt_document", /bad\.json could not be read as JSON/);
    await expectFailure({ name: "big.txt", bytes: utf8("x".repeat(2000)) }, "too_large", /big\.txt is 0\.0 MB, over the 0\.0 MB limit/, { maxBytes: 1000 });
    await expectFailure({ name: "long.txt", bytes: utf8("y".repeat(2000)) }, "too_large", /2,000 characters of text, over the 1,000 limit/, { maxChars: 1000 });
  });
});
