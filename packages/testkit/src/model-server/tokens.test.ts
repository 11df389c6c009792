import { describe, expect, it } from "vitest";
import { countWords, splitArguments, splitIntoTokens } from "./tokens.ts";

describe("splitIntoTokens", () => {
  it("gives one token per word with its leading whitespace, and rejoins to the text", () => {
    expect(splitIntoTokens("Hello brave  new world")).toEqual(["Hello", " brave", "  new", " world"]);
    for (const text of ["", "   ", " lead", "trail \n", "a\n\nb\tc ", "naïve café 東京 🚀"]) {
      expect(splitIntoTokens(text).join("")).toBe(text);
    }
    expect(splitIntoTokens("end.\n")).toEqual(["end.\n"]);
  });
});

describe("countWords", () => {
  it("counts whitespace-separated words, at least 1", () => {
    expect(countWords("one two\tthree\nfour")).toBe(4);
    expect(countWords("  spaced   out  ")).toBe(2);
    expect(countWords("")).toBe(1);
  });
});

describe("splitArguments", () => {
  it("splits JSON into pieces that rejoin", () => {
    const json = JSON.stringify({ city: "Paris", days: 3 });
    const pieces = splitArguments(json);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(json);
  });
});
