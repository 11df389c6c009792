import { describe, expect, it } from "vitest";
import { AnalysisError, isAnalysisError } from "./analysis-error.ts";
import { analyze, termFrequencies } from "./analyze.ts";
import { chineseStopwords } from "./chinese-stopwords.ts";
import { englishStopwords, luceneEnglishStopwords } from "./english-stopwords.ts";

describe("analyze", () => {
  it("lowercases, drops English stopwords and stems", () => {
    expect(analyze("The Proteins are binding to their Receptors!")).toEqual(["protein", "bind", "receptor"]);
  });

  it("keeps numbers and non-Latin words as they are", () => {
    expect(analyze("COVID-19 vaccines in 2021, Привет")).toEqual(["covid", "19", "vaccin", "2021", "привет"]);
  });

  it("segments Han text into dictionary words and drops Chinese stopwords", () => {
    // jieba: 北京大学/的/学生/在/图书馆/里/读书; 的, 在 and 里 are stopwords.
    expect(analyze("北京大学的学生在图书馆里读书")).toEqual(["北京大学", "学生", "图书馆", "读书"]);
    // 研究/表明/，/蛋白质/的/结构/决定/其/功能
    expect(analyze("研究表明，蛋白质的结构决定其功能")).toEqual(["研究", "表明", "蛋白质", "结构", "决定", "功能"]);
    // A question: 是, 由, 哪 and 的 go; the title's brackets and the digit split it.
    expect(analyze("《战国无双3》是由哪两个公司合作开发的？")).toEqual(["战国", "无双", "3", "两个", "公司", "合作开发"]);
  });

  it("turns stretches of characters the dictionary does not join into bigrams, a lone one into itself", () => {
    // jieba (no HMM): 乡里/大/辅/先生/因故/去世; the name 大辅 is not in its dictionary.
    expect(analyze("乡里大辅先生因故去世")).toEqual(["乡里", "大辅", "先生", "因故", "去世"]);
    expect(analyze("龘靐齉")).toEqual(["龘靐", "靐齉"]);
    expect(analyze("北京龘大学")).toEqual(["北京", "龘", "大学"]);
    // A stopword ends a stretch; a character outside the BMP counts as one character.
    expect(analyze("龘的靐")).toEqual(["龘", "靐"]);
    expect(analyze("𠮷野家的牛肉饭")).toEqual(["𠮷野", "野家", "牛肉", "饭"]);
  });

  it("keeps Chinese stopwords when given another list", () => {
    expect(analyze("北京大学的学生", { hanStopwords: new Set() })).toEqual(["北京大学", "的", "学生"]);
    expect(chineseStopwords.has("的")).toBe(true);
    expect(chineseStopwords.has("北京")).toBe(false);
  });

  it("splits mixed script runs and analyzes each script its own way", () => {
    expect(analyze("iPhone手机价格")).toEqual(["iphon", "手机", "价格"]);
    expect(analyze("Tandem支持BM25检索和向量检索")).toEqual(["tandem", "支持", "bm25", "检索", "向量", "检索"]);
    expect(analyze("The students of 清华大学 study machine learning（机器学习）。")).toEqual([
      "student",
      "清华大学",
      "studi",
      "machin",
      "learn",
      "机器",
      "学习",
    ]);
  });

  it("is deterministic for Chinese text", () => {
    const paragraph = "《战国无双3》是由光荣和ω-force开发的战国无双系列的正统第三续作。乡里大辅先生因故去世，不得不寻找其他声优接手。";
    const first = analyze(paragraph);
    analyze("北京大学的学生在图书馆里读书");
    expect(analyze(paragraph)).toEqual(first);
    expect(analyze(paragraph, { language: "zh" })).toEqual(analyze(paragraph, { language: "zh" }));
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

  it("keeps English stopwords and stems nothing in zh mode, segments Han text alike in every mode", () => {
    expect(analyze("the Running 猫", { language: "zh" })).toEqual(["the", "running", "猫"]);
    expect(analyze("在北京的 running", { language: "en" })).toEqual(["北京", "run"]);
    expect(analyze("在北京的 running", { language: "zh" })).toEqual(["北京", "running"]);
  });

  it("returns no terms for empty or punctuation-only text", () => {
    expect(analyze("")).toEqual([]);
    expect(analyze(" -- ?! ")).toEqual([]);
  });

  it("recognises its errors by code", () => {
    expect(isAnalysisError(new AnalysisError("segmenter_unavailable", "no jieba"))).toBe(true);
    expect(isAnalysisError(new Error("no jieba"))).toBe(false);
  });

  it("counts term frequencies", () => {
    expect([...termFrequencies(["a", "b", "a"])]).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
  });
});
