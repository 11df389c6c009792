/**
 * Decodes uploaded text: a UTF-16 or UTF-8 byte-order mark wins; otherwise strict UTF-8, falling back
 * to Windows-1252 (what legacy Windows exports usually are) instead of replacement characters.
 * Line endings become "\n".
 */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder("utf-16le").decode(bytes);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder("utf-16be").decode(bytes);
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder("windows-1252").decode(bytes);
    }
  }
  return text.replace(/\r\n?/g, "\n");
}
