/**
 * Tokens for schema linking and example ranking: identifiers split on snake_case, camelCase, digits and
 * punctuation, lowercased, and folded by a light stemmer, so that `InvoiceLine`, `invoice_lines` and
 * "invoice lines" all give `invoice line`. Deliberately light (no full Porter): identifiers are short and
 * over-stemming merges unrelated columns.
 */

/** Words that carry no schema meaning in a question. */
export const questionStopwords: ReadonlySet<string> = new Set(
  (
    "a an and are as at be been being by can could did do does doing for from had has have having he her " +
    "here hers him his how i if in into is it its itself me my of off on once only or other our ours out " +
    "over own same she should so some such than that the their theirs them then there these they this " +
    "those through to too under until up very was we were what when where which while who whom why will " +
    "with would you your yours also just all any both each few more most no nor not s t don now " +
    "show list give find tell get return display provide print please let us want know " +
    "many much every per whose"
  ).split(" "),
);

/** Irregular plurals and forms the suffix rules get wrong. */
const irregular: Record<string, string> = {
  people: "person",
  children: "child",
  men: "man",
  women: "woman",
  feet: "foot",
  teeth: "tooth",
  mice: "mouse",
  geese: "goose",
  indices: "index",
  matrices: "matrix",
  data: "data",
  media: "media",
  series: "series",
  species: "species",
  status: "status",
  address: "address",
  business: "business",
  class: "class",
  analysis: "analysis",
  bus: "bus",
  gas: "gas",
  his: "his",
  is: "is",
  was: "was",
  has: "has",
  does: "does",
  yes: "yes",
  news: "news",
};

/** Folds plurals and a few verb endings: `countries` → `country`, `boxes` → `box`, `cities` → `city`. */
export function stemToken(token: string): string {
  const word = token.toLowerCase();
  const known = irregular[word];
  if (known !== undefined) return known;
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (/(us|ss|is|ous)$/.test(word)) return word;
  if (word.endsWith("s")) return word.slice(0, -1);
  return word;
}

/** Splits an identifier or a phrase into lowercase words: `InvoiceLine_ID2` → `invoice line id 2`. */
export function splitWords(text: string): string[] {
  return text
    .replace(/([a-z\d])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([a-zA-Z])(\d)/g, "$1 $2")
    .replace(/(\d)([a-zA-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** Stemmed words of an identifier (every word kept: `id` matters in a column name). */
export function identifierTokens(identifier: string): string[] {
  return splitWords(identifier).map(stemToken);
}

/** Stemmed content words of a question or description, without stopwords. */
export function textTokens(text: string): string[] {
  return splitWords(text.replace(/'s\b/g, ""))
    .filter((word) => !questionStopwords.has(word))
    .map(stemToken);
}
