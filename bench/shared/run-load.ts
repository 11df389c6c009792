import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface LoadJob {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body?: unknown;
  concurrency: number;
  requests: number;
  warmup: number;
  /** A reply counts as ok only when its body contains this. */
  expect?: string;
  /** "first-token": time to the first match of `tokenPattern` in the streamed body, not to its end. */
  mode?: "complete" | "first-token";
  tokenPattern?: string;
}

export interface LoadResult {
  count: number;
  errors: number;
  firstError?: string;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
}

const worker = fileURLToPath(new URL("./load-worker.mjs", import.meta.url));

/** Runs the load generator in its own process, so it does not share the server's event loop. */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const { NODE_OPTIONS: _loaders, ...env } = process.env;
    const child = spawn(process.execPath, [worker, JSON.stringify(job)], { env, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("exit", (code) => {
      const last = output.trim().split("\n").at(-1) ?? "";
      if (code !== 0) reject(new Error(`the load generator exited with ${code}: ${output}`));
      else resolve(JSON.parse(last) as LoadResult);
    });
  });
}
