import { loadJieba } from "./load-jieba.ts";

/**
 * Index terms for a run of Han characters: jieba's dictionary words (exact mode, HMM off), stopwords
 * dropped, and each stretch of two or more single characters that the dictionary did not join (names,
 * rare terms, traditional characters) turned into overlapping character bigrams; a lone character stays
 * itself. A stopword ends a stretch. Deterministic: the dictionary is fixed and HMM is off, so a string
 * is split the same way in a document and in a query. Why this and not plain bigrams or jieba's HMM:
 * docs/adr/0009-chinese-segmentation.md.
 */
export function segmentHan(run: string, stopwords: ReadonlySet<string>): string[] {
  const terms: string[] = [];
  let stretch: string[] = [];
  const flush = () => {
    if (stretch.length === 1) terms.push(...stretch);
    for (let index = 0; index + 1 < stretch.length; index += 1) terms.push(`${stretch[index]}${stretch[index + 1]}`);
    stretch = [];
  };
  for (const word of loadJieba().cut(run, false)) {
    if (stopwords.has(word)) flush();
    else if (isOneCharacter(word)) stretch.push(word);
    else {
      flush();
      terms.push(word);
    }
  }
  flush();
  return terms;
}

/** One code point: Han characters outside the BMP (CJK extension B and later) take two UTF-16 units. */
function isOneCharacter(word: string): boolean {
  return word.length === 1 || (word.length === 2 && word.codePointAt(0) !== word.charCodeAt(0));
}
