import { describe, expect, it } from "vitest";
import { analyze, termFrequencies } from "./analyze.ts";
import { englishStopwords, luceneEnglishStopwords } from "./english-stopwords.ts";

describe("analyze", () => {
  it("lowercases, drops English stopwords and stems", () => {
    expect(analyze("The Proteins are binding to their Receptors!")).toEqual(["protein", "bind", "receptor"]);
  });

  it("keeps numbers and non-Latin words as they are", () => {
    expect(analyze("COVID-19 vaccines in 2021, Привет")).toEqual(["covid", "19", "vaccin", "2021", "привет"]);
  });

  it("turns Han text into overlapping character bigrams, a lone character into itself", () => {
    expect(analyze("北京大学")).toEqual(["北京", "京大", "大学"]);
    expect(analyze("在 北京")).toEqual(["在", "北京"]);
  });

  it("splits mixed script runs", () => {
    expect(analyze("iPhone手机价格")).toEqual(["iphon", "手机", "机价", "价格"]);
  });

  it("strips possessives and drops other apostrophes", () => {
    expect(analyze("The patient's kidneys’ function; Alzheimer’s disease")).toEqual(["patient", "kidnei", "function", "alzheim", "diseas"]);
    expect(analyze("it's what we don't know")).toEqual(["dont", "know"]);
  });

  it("drops the standard English stopwords unless given another list", () => {
    expect(analyze("Which of these were found between the groups?")).toEqual(["found", "group"]);
    expect(analyze("Which of these were found between the groups?", { stopwords: luceneEnglishStopwords })).toEqual([
      "which",
      "were",
      "found",
      "between",
      "group",
    ]);
    expect(englishStopwords.size).toBe(127);
  });

  it("keeps stopwords and stems nothing in zh mode, bigrams Han text in every mode", () => {
    expect(analyze("the Running 猫", { language: "zh" })).toEqual(["the", "running", "猫"]);
    expect(analyze("在北京的 running", { language: "en" })).toEqual(["在北", "北京", "京的", "run"]);
  });

  it("returns no terms for empty or punctuation-only text", () => {
    expect(analyze("")).toEqual([]);
    expect(analyze(" -- ?! ")).toEqual([]);
  });

  it("counts term frequencies", () => {
    expect([...termFrequencies(["a", "b", "a"])]).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
  });
});
