/* global URL, Buffer */
// Load generator for the api and stream-ttft benchmarks, in its own process so it does not share the
// server's event loop. argv[2] is a JSON job:
//   { url, method, headers, body, concurrency, requests, warmup, mode: "json" | "first-byte-of-sse" }
// Prints one JSON line: { count, errors, firstError, rps, p50_ms, p99_ms, mean_ms }.
import http from "node:http";

const job = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
const target = new URL(job.url);
const payload = job.body === undefined ? undefined : Buffer.from(JSON.stringify(job.body));

function once() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: job.method ?? "POST",
        headers: { ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}), ...job.headers },
      },
      (response) => {
        let firstAt;
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          text += chunk;
          if (firstAt === undefined && job.mode === "first-token" && new RegExp(job.tokenPattern).test(text)) firstAt = process.hrtime.bigint();
        });
        response.on("end", () => {
          const ended = process.hrtime.bigint();
          const ok = response.statusCode === 200 && (job.expect === undefined || text.includes(job.expect));
          const at = job.mode === "first-token" ? firstAt : ended;
          resolve({ ok: ok && at !== undefined, ms: Number(((at ?? ended) - started) / 1000n) / 1000, error: ok ? undefined : `HTTP ${response.statusCode}: ${text.slice(0, 300)}` });
        });
      },
    );
    request.on("error", (error) => resolve({ ok: false, ms: 0, error: String(error) }));
    if (payload) request.write(payload);
    request.end();
  });
}

async function phase(total) {
  const samples = [];
  let errors = 0;
  let firstError;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < total) {
        next += 1;
        const result = await once();
        if (result.ok) samples.push(result.ms);
        else {
          errors += 1;
          firstError ??= result.error;
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { samples, errors, firstError, seconds };
}

const pick = (sorted, fraction) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
if (job.warmup > 0) await phase(job.warmup);
const { samples, errors, firstError, seconds } = await phase(job.requests);
samples.sort((left, right) => left - right);
const round = (value) => Math.round(value * 100) / 100;
console.log(
  JSON.stringify({
    count: samples.length,
    errors,
    ...(firstError ? { firstError } : {}),
    rps: round(job.requests / seconds),
    p50_ms: round(pick(samples, 0.5)),
    p99_ms: round(pick(samples, 0.99)),
    mean_ms: round(samples.reduce((sum, value) => sum + value, 0) / Math.max(1, samples.length)),
  }),
);
agent.destroy();
