/**
 * Import rules from the architecture (docs/adr and ARCHITECTURE.md), checked in `npm run lint`:
 * - engine may import knowledge and sql; those two import nothing from the repo; db imports nothing.
 * - runner may import engine, knowledge, sql and db; the worker imports runner; the CLI runner and engine.
 * - web's browser code imports only engine/schema; its server code may import api, runner and db.
 * - api (the published HTTP API) imports runner and engine.
 * - testkit is for tests only. No cycles anywhere.
 */
const pkg = (name) => `^packages/${name}/`;
const testFile = "(\\.test\\.ts$|\\.contract\\.ts$|^tests/|^bench/)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "Import cycles make load order fragile.", from: {}, to: { circular: true } },
    {
      name: "db-is-a-leaf",
      severity: "error",
      comment: "packages/db imports nothing from the repo.",
      from: { path: pkg("db") },
      to: { path: "^(packages|apps)/", pathNot: pkg("db") },
    },
    {
      name: "local-models-is-a-leaf",
      severity: "error",
      comment: "packages/local-models (the embedded GGUF runtime) imports nothing from the repo.",
      from: { path: pkg("local-models") },
      to: { path: "^(packages|apps)/", pathNot: pkg("local-models") },
    },
    {
      name: "knowledge-and-sql-are-leaves",
      severity: "error",
      comment: "packages/knowledge and packages/sql import nothing from the repo.",
      from: { path: "^packages/(knowledge|sql)/" },
      to: { path: "^(packages|apps)/", pathNot: "^packages/$1/" },
    },
    {
      name: "engine-imports-knowledge-and-sql-only",
      severity: "error",
      comment: "The engine reaches I/O through ports, never through db or runner (its tests may use the testkit).",
      from: { path: pkg("engine"), pathNot: testFile },
      to: { path: "^(packages|apps)/", pathNot: "^packages/(engine|knowledge|sql)/" },
    },
    {
      name: "runner-imports-packages-only",
      severity: "error",
      from: { path: pkg("runner"), pathNot: testFile },
      to: { path: "^(apps/|packages/testkit/)" },
    },
    {
      name: "worker-imports-runner-only",
      severity: "error",
      from: { path: "^apps/worker/" },
      to: { path: "^(packages|apps)/", pathNot: "^(apps/worker/|packages/runner/)" },
    },
    {
      name: "cli-imports-runner-and-engine-only",
      severity: "error",
      from: { path: "^apps/cli/" },
      to: { path: "^(packages|apps)/", pathNot: "^(apps/cli/|packages/(runner|engine)/)" },
    },
    {
      name: "web-browser-code-imports-engine-schema-only",
      severity: "error",
      comment: "Browser code ships to users: only the browser-safe engine schema may come from the repo.",
      from: { path: "^apps/web/src/(components|client)/" },
      to: { path: "^packages/", pathNot: "^packages/engine/src/schema/" },
    },
    {
      name: "web-imports-runner-db-engine",
      severity: "error",
      from: { path: "^apps/web/" },
      to: { path: "^(packages|apps)/", pathNot: "^(apps/web/|packages/(api|runner|db|engine)/)" },
    },
    {
      name: "api-imports-runner-and-engine-only",
      severity: "error",
      comment: "The published API is protocol mapping over the runner's services.",
      from: { path: pkg("api"), pathNot: testFile },
      to: { path: "^(packages|apps)/", pathNot: "^packages/(api|runner|engine)/" },
    },
    {
      name: "testkit-only-in-tests",
      severity: "error",
      comment: "The scripted model server and fixtures never ship.",
      from: { pathNot: `(${testFile}|^packages/testkit/)` },
      to: { path: pkg("testkit") },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(node_modules|\\.next|generated|/dist/|next-env\\.d\\.ts)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    combinedDependencies: true,
  },
};
