#!/usr/bin/env node
// `npm run bench -- NAME [args]`: runs bench/NAME/index.ts; its last line of output is one JSON object.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(path.join(root, "bench"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
if (!name || !existsSync(path.join(root, "bench", name, "index.ts"))) {
  console.error(`Usage: npm run bench -- NAME [options]\nBenchmarks: ${available.join(", ")}`);
  process.exit(2);
}
const result = spawnSync(path.join(root, "node_modules/.bin/tsx"), [path.join("bench", name, "index.ts"), ...args], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production" },
});
process.exit(result.status ?? 1);
