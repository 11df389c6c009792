import { createRequire } from "node:module";
import type { Jieba } from "@node-rs/jieba";
import { AnalysisError } from "./analysis-error.ts";

/** What `@node-rs/jieba` and `@node-rs/jieba/dict` export that is used here. */
interface JiebaModule {
  Jieba: typeof Jieba;
}
interface JiebaDictModule {
  dict: Uint8Array;
}

let jieba: Jieba | undefined;

/**
 * The jieba segmenter (`@node-rs/jieba`, native) with its default dictionary, loaded on first use and
 * kept: about 0.2 s and 40 MB, paid only by a process that meets Han text. Loaded with `require` so that
 * the synchronous `analyze` can call it and so that a missing native binary fails here, with a clear
 * `AnalysisError`, rather than when the package is imported.
 */
export function loadJieba(): Jieba {
  if (jieba) return jieba;
  try {
    const require = createRequire(import.meta.url);
    // Safe: these are the package's own declarations (index.d.ts, dict.d.ts); `require` only loses them.
    const { Jieba: JiebaClass } = require("@node-rs/jieba") as JiebaModule;
    const { dict } = require("@node-rs/jieba/dict") as JiebaDictModule;
    jieba = JiebaClass.withDict(dict);
    return jieba;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new AnalysisError(
      "segmenter_unavailable",
      `The Chinese segmenter (@node-rs/jieba) could not be loaded, so Han text cannot be indexed or searched: ${reason}. ` +
        "Reinstall dependencies with `npm install` on this platform (its native package @node-rs/jieba-<platform> must be present).",
      { cause },
    );
  }
}
