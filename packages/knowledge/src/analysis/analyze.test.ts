import { describe, expect, it } from "vitest";
import { analyze, termFrequencies } from "./analyze.ts";

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

  it("counts term frequencies", () => {
    expect([...termFrequencies(["a", "b", "a"])]).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
  });
});
