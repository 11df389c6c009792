import { stemToken } from "./tokenize.ts";

/**
 * General English cues for common attributes: the words a question uses for a column it never names
 * ("the oldest singer" asks for `age`, "where do they live" for an address or city). Written once as
 * domain-independent vocabulary, not per database; the user's annotations and column comments add the
 * domain's own synonyms on top.
 */
const attributeCues: Record<string, string> = {
  age: "old older oldest young younger youngest aged elderly",
  birth: "born old older oldest young younger youngest birthday",
  weight: "heavy heavier heaviest light lighter lightest weigh weighs weighed",
  height: "tall taller tallest short shorter shortest high",
  price: "expensive cheap cheaper cheapest cost costs pay paid",
  cost: "expensive cheap cheaper cheapest price pay paid",
  date: "when recent recently latest earliest before after since day",
  year: "when recent latest earliest before after since old",
  time: "when long duration",
  population: "populous populated inhabitant inhabitants resident residents people",
  area: "large larger largest big bigger biggest small smaller smallest size surface",
  size: "large larger largest big bigger biggest small smaller smallest",
  length: "long longer longest short shorter shortest",
  duration: "long longer longest short shorter shortest",
  location: "where located situated place",
  address: "where live lives living located",
  city: "where live lives located town",
  country: "where nation nationality from",
  nationality: "country from",
  name: "called named titled",
  title: "called named titled",
  gender: "male female men women boy boys girl girls sex",
  sex: "male female men women boy boys girl girls gender",
  salary: "earn earns earned paid wage wages income",
  capacity: "hold holds seat seats accommodate",
  rating: "rated best worst top score",
  rank: "ranked ranking top best",
  speed: "fast faster fastest slow slower slowest",
  budget: "spend spent spending",
  email: "mail contact",
  phone: "call contact telephone",
  description: "describe described about",
  grade: "score mark",
  score: "points grade result",
  win: "won winner winning wins",
};

/** For a stemmed question word, the stemmed attribute words it may stand for. */
export const cueAttributes: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const [attribute, cues] of Object.entries(attributeCues)) {
    for (const cue of cues.split(" ")) {
      const stem = stemToken(cue);
      const list = map.get(stem) ?? [];
      list.push(stemToken(attribute));
      map.set(stem, list);
    }
  }
  return map;
})();
