import { chineseStopwords } from "./chinese-stopwords.ts";
import { englishStopwords } from "./english-stopwords.ts";
import { porterStem } from "./porter-stemmer.ts";
import { segmentHan } from "./segment-han.ts";

export interface AnalyzeOptions {
  /**
   * How words outside Han text are treated. en and auto (the default): lowercased, stopwords dropped,
   * Latin-script words Porter-stemmed; zh: only lowercased. Han text is segmented the same way in every mode.
   */
  language?: "auto" | "en" | "zh";
  /** Words dropped from non-Han text (default: `englishStopwords`); compared after lowercasing, before stemming. */
  stopwords?: ReadonlySet<string>;
  /** Words dropped from Han text (default: `chineseStopwords`); compared with the segmenter's words. */
  hanStopwords?: ReadonlySet<string>;
}

/** Letters and digits, with apostrophes inside a word kept so that possessives can be recognised. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
const POSSESSIVE = /['’]s$/iu;
const APOSTROPHE = /['’]/gu;
const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Turns text into index terms, deterministically. Latin-script words are lowercased, stopwords dropped
 * and Porter-stemmed (what the published BM25 baselines do); runs of Han characters are segmented into
 * jieba's dictionary words, Chinese stopwords dropped, with character bigrams where the dictionary knows
 * no word (`segmentHan`; the segmenter loads on the first Han text and throws an `AnalysisError` if it
 * cannot). Possessives lose their "'s" (protein's → protein) and other apostrophes are dropped
 * (don't → dont). Digits are kept as terms.
 */
/**
 * Changes whenever `analyze` gives different terms for the same text. Stored in every document's
 * index signature, so that an upgrade re-indexes what an older analyzer wrote (ADR 0009).
 * 2: Han text as jieba words with Chinese stopwords (1 was character bigrams).
 */
export const ANALYZER_VERSION = 2;

export function analyze(text: string, options: AnalyzeOptions = {}): string[] {
  const language = options.language ?? "auto";
  const stopwords = options.stopwords ?? englishStopwords;
  const hanStopwords = options.hanStopwords ?? chineseStopwords;
  const terms: string[] = [];
  const addWord = (raw: string) => addNonHan(raw, language, stopwords, terms);
  for (const match of text.normalize("NFKC").matchAll(WORD)) {
    const word = match[0].replace(POSSESSIVE, "").replace(APOSTROPHE, "");
    let last = 0;
    for (const han of word.matchAll(HAN_RUN)) {
      const index = han.index;
      if (index > last) addWord(word.slice(last, index));
      terms.push(...segmentHan(han[0], hanStopwords));
      last = index + han[0].length;
    }
    if (last < word.length) addWord(word.slice(last));
  }
  return terms;
}

function addNonHan(raw: string, language: AnalyzeOptions["language"], stopwords: ReadonlySet<string>, terms: string[]): void {
  const word = raw.toLowerCase();
  if (language === "zh") {
    terms.push(word);
    return;
  }
  if (stopwords.has(word)) return;
  terms.push(/^\p{Script=Latin}+$/u.test(word) ? porterStem(word) : word);
}

/** Term → frequency. */
export function termFrequencies(terms: readonly string[]): Map<string, number> {
  const frequencies = new Map<string, number>();
  for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
  return frequencies;
}
