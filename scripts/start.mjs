#!/usr/bin/env node
// `npm start`: set up what a fresh clone lacks, then run Tandem on its embedded defaults.
// Steps that are already done are skipped, so a second start is quick and keeps the data.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };

function step(title, command, args) {
  console.log(`\n▸ ${title}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\n✗ ${title} failed (${command} ${args.join(" ")}). Fix the error above and run \`npm start\` again.`);
    process.exit(result.status ?? 1);
  }
}

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Tandem needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}

const installed = path.join(root, "node_modules", ".package-lock.json");
// `npm install`, not `npm ci`: npm 11 leaves other platforms' optional packages (turbo's) out of the lock
// file it writes, and `npm ci` then refuses that same lock file.
if (!existsSync(installed)) step("Installing dependencies (first start only)", "npm", ["install", "--no-audit", "--no-fund"]);
else if (mtime(path.join(root, "package-lock.json")) > mtime(installed)) {
  step("Updating dependencies", "npm", ["install", "--no-audit", "--no-fund"]);
}

const schema = path.join(root, "packages/db/prisma/schema.prisma");
const client = path.join(root, "packages/db/src/generated/prisma/client.ts");
if (mtime(schema) > mtime(client)) step("Generating the database client", "npm", ["run", "generate", "-w", "@tandem/db"]);

step("Building the web app", path.join(root, "node_modules/.bin/turbo"), ["run", "build", "--filter=@tandem/web", "--output-logs=errors-only"]);

console.log("\n▸ Starting Tandem");
const server = spawn(path.join(root, "node_modules/.bin/tsx"), ["apps/web/server.ts"], {
  cwd: root,
  env: { ...env, NODE_ENV: "production" },
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
