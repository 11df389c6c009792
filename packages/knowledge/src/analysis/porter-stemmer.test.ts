import { describe, expect, it } from "vitest";
import { porterStem } from "./porter-stemmer.ts";

describe("porterStem", () => {
  it.each([
    ["caresses", "caress"],
    ["ponies", "poni"],
    ["ties", "ti"],
    ["cats", "cat"],
    ["feed", "feed"],
    ["agreed", "agre"],
    ["plastered", "plaster"],
    ["motoring", "motor"],
    ["sing", "sing"],
    ["conflated", "conflat"],
    ["hopping", "hop"],
    ["falling", "fall"],
    ["filing", "file"],
    ["happy", "happi"],
    ["relational", "relat"],
    ["conditional", "condit"],
    ["generalization", "gener"],
    ["running", "run"],
    ["electricity", "electr"],
    ["adjustment", "adjust"],
    ["adoption", "adopt"],
    ["controlling", "control"],
    ["proteins", "protein"],
    ["mutations", "mutat"],
    // Whole-word results from Porter's published sample vocabulary and output.
    ["generalizations", "gener"],
    ["oscillators", "oscil"],
    ["hopefulness", "hope"],
    ["formalize", "formal"],
    ["triplicate", "triplic"],
    ["allowance", "allow"],
    ["replacement", "replac"],
    ["dependent", "depend"],
    ["effective", "effect"],
    ["probate", "probat"],
    ["rate", "rate"],
    ["cease", "ceas"],
    ["controll", "control"],
    ["roll", "roll"],
    ["sky", "sky"],
    ["rhythms", "rhythm"],
    ["is", "is"],
  ])("%s → %s", (word, stem) => {
    expect(porterStem(word)).toBe(stem);
  });
});
