import { cueAttributes } from "./lexicon.ts";
import { splitWords, stemToken, textTokens } from "./tokenize.ts";

/** A question prepared once for matching against every identifier of a schema. */
export interface QuestionTerms {
  /** The question's words, stemmed, between single spaces (and one at each end), for phrase matching. */
  phrase: string;
  /** Stemmed content words. */
  tokens: ReadonlySet<string>;
  /** Adjacent content words glued (`home town` → `hometown`), to meet identifiers written as one word. */
  glued: ReadonlySet<string>;
  /** Attribute words the question implies without naming them (`oldest` → `age`), with the cue. */
  implied: ReadonlyMap<string, string>;
  /** Extra stemmed words from business terms and synonyms the question used, with their weight. */
  extra: Map<string, number>;
}

/** A text as its stemmed words between single spaces, with a space at each end: `" big spender "`. */
export function stemmedPhrase(text: string): string {
  return ` ${splitWords(text.replace(/'s\b/g, "")).map(stemToken).join(" ")} `;
}

export function questionTerms(question: string): QuestionTerms {
  const words = splitWords(question.replace(/'s\b/g, ""));
  const tokens = new Set(textTokens(question));
  const glued = new Set<string>();
  for (let index = 0; index + 1 < words.length; index += 1) {
    glued.add(stemToken(`${words[index]}${words[index + 1]}`));
  }
  const implied = new Map<string, string>();
  // A year in the question ("in 1970", "before 2005") points at a year or date column.
  const year = /\b(1[89]\d\d|20\d\d)\b/.exec(question)?.[1];
  if (year !== undefined) for (const attribute of ["year", "date"]) if (!tokens.has(attribute)) implied.set(attribute, year);
  for (const token of tokens) {
    for (const attribute of cueAttributes.get(token) ?? []) if (!tokens.has(attribute)) implied.set(attribute, token);
  }
  return { phrase: stemmedPhrase(question), tokens, glued, implied, extra: new Map() };
}

function sharedPrefix(left: string, right: string): number {
  let length = 0;
  while (length < left.length && length < right.length && left[length] === right[length]) length += 1;
  return length;
}

/** Whether `short` reads as an abbreviation of `long`: same first letter, its letters in order (`dept`, `num`). */
function abbreviates(short: string, long: string): boolean {
  if (short.length < 3 || short.length >= long.length || short[0] !== long[0]) return false;
  let position = 0;
  for (const letter of long) if (letter === short[position]) position += 1;
  return position === short.length;
}

/** How strongly one identifier word is present in the question: 1 named, less when implied or similar. */
export function tokenMatch(token: string, terms: QuestionTerms): { weight: number; via: string } {
  if (terms.tokens.has(token)) return { weight: 1, via: token };
  if (terms.glued.has(token)) return { weight: 0.9, via: token };
  const extra = terms.extra.get(token);
  if (extra !== undefined) return { weight: extra, via: token };
  const cue = terms.implied.get(token);
  if (cue !== undefined) return { weight: 0.7, via: cue };
  let best = { weight: 0, via: "" };
  for (const word of [...terms.tokens, ...terms.glued]) {
    if (word.length < 3 || token.length < 3) continue;
    const prefix = sharedPrefix(word, token);
    if (prefix >= 5 || (prefix >= 4 && prefix >= Math.min(word.length, token.length) - 1)) {
      if (best.weight < 0.6) best = { weight: 0.6, via: word };
    } else if (abbreviates(token, word) || abbreviates(word, token)) {
      if (best.weight < 0.4) best = { weight: 0.4, via: word };
    }
  }
  return best;
}
