#!/usr/bin/env node
// `npm test`: lint, typecheck, then unit and integration tests (later: e2e). Stops at the first failure.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };
const bin = (name) => path.join(root, "node_modules/.bin", name);

function step(title, command, args) {
  console.log(`\n▸ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  console.log(`  ${result.status === 0 ? "✓" : "✗"} ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result.status ?? 1;
}

if (!existsSync(path.join(root, "node_modules", ".package-lock.json"))) {
  if (step("Installing dependencies", "npm", ["install", "--no-audit", "--no-fund"]) !== 0) process.exit(1);
}

for (const [title, command, args] of [
  ["Lint (eslint + import boundaries)", "npm", ["run", "lint"]],
  ["Typecheck", "npm", ["run", "typecheck"]],
]) {
  if (step(title, command, args) !== 0) process.exit(1);
}

const report = path.join(tmpdir(), `tandem-vitest-${process.pid}.json`);
const status = step("Unit and integration tests", bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
]);
if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, "utf8"));
  rmSync(report, { force: true });
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(`\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`);
}
process.exit(status);
