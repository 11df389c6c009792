/**
 * `npm run bench -- ingest [--data DIR]`
 * Ingestion end to end in embedded mode, keyword-only: every corpus entry (default: the 5,183 SciFact
 * abstracts) uploaded as a text file through the knowledge service, then stored, parsed, chunked,
 * analyzed and indexed by the in-process ingest-documents jobs on embedded PGlite (on disk, in a
 * temporary folder), until every document is ready. The last line is the JSON result.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { readBeir } from "../retrieval-scifact/beir.ts";
import { buildProductIndex } from "../shared/product-index.ts";

const { values } = parseArgs({ options: { data: { type: "string", default: path.join("..", "shared", "data", "retrieval", "scifact") } } });
const set = await readBeir(path.resolve(values.data ?? ""));
let sampledPeak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
}, 50);
let lastReport = 0;
const index = await buildProductIndex(set.corpus, {
  indexMode: "keyword",
  onProgress(done, total) {
    if (Date.now() - lastReport > 2000) {
      lastReport = Date.now();
      console.error(`ingested ${done}/${total}`);
    }
  },
});
clearInterval(sampler);
const peakRssMb = Math.max(sampledPeak, process.resourceUsage().maxRSS * 1024) / (1024 * 1024);
const result = {
  bench: "ingest",
  documents: index.documents,
  chunks: index.chunks,
  failed: index.failed,
  seconds: Math.round(index.ingestSeconds * 100) / 100,
  docs_per_s: Math.round((index.documents / index.ingestSeconds) * 10) / 10,
  chunks_per_s: Math.round((index.chunks / index.ingestSeconds) * 10) / 10,
  peak_rss_mb: Math.round(peakRssMb),
};
await index.close();
console.log(JSON.stringify(result));
