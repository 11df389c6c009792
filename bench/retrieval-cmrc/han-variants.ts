import { analyze, chineseStopwords, loadJieba } from "@tandem/knowledge";

/** One way of turning text into BM25 terms. */
export type Analyzer = (text: string) => string[];

const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Text → terms with each Han run given to `hanTerms` and the rest to Tandem's analyzer, so that the
 * variants differ in their Chinese segmentation only.
 */
function withHanTerms(hanTerms: (run: string) => string[]): Analyzer {
  return (text) => {
    const normalized = text.normalize("NFKC");
    const terms: string[] = [];
    let last = 0;
    for (const match of normalized.matchAll(HAN_RUN)) {
      if (match.index > last) terms.push(...analyze(normalized.slice(last, match.index)));
      terms.push(...hanTerms(match[0]));
      last = match.index + match[0].length;
    }
    if (last < normalized.length) terms.push(...analyze(normalized.slice(last)));
    return terms;
  };
}

const unigrams = (run: string) => Array.from(run);

/** Overlapping character bigrams, a lone character as itself: Tandem's analyzer before ADR 0009. */
function bigrams(run: string): string[] {
  const characters = Array.from(run);
  if (characters.length < 2) return characters;
  return characters.slice(1).map((character, index) => `${characters[index]}${character}`);
}

const cut = (run: string, hmm: boolean) => loadJieba().cut(run, hmm);
const cutForSearch = (run: string, hmm: boolean) => loadJieba().cutForSearch(run, hmm);

/**
 * Every Chinese segmentation measured for ADR 0009. `unigram` is the floor; `tandem` is `analyze` as it
 * ships (jieba exact mode without HMM, Chinese stopwords, bigrams over characters the dictionary did not join).
 */
export const hanVariants = {
  unigram: withHanTerms(unigrams),
  bigram: withHanTerms(bigrams),
  "unigram+bigram": withHanTerms((run) => [...unigrams(run), ...bigrams(run)]),
  jieba_hmm: withHanTerms((run) => cut(run, true)),
  jieba: withHanTerms((run) => cut(run, false)),
  jieba_search_hmm: withHanTerms((run) => cutForSearch(run, true)),
  jieba_search: withHanTerms((run) => cutForSearch(run, false)),
  "jieba_hmm+bigram": withHanTerms((run) => [...cut(run, true), ...bigrams(run)]),
  "jieba+bigram": withHanTerms((run) => [...cut(run, false), ...bigrams(run)]),
  "jieba+stopwords": withHanTerms((run) => cut(run, false).filter((word) => !chineseStopwords.has(word))),
  tandem_without_stopwords: (text) => analyze(text, { hanStopwords: new Set() }),
  tandem: (text) => analyze(text),
} as const satisfies Record<string, Analyzer>;

export type HanVariant = keyof typeof hanVariants;
