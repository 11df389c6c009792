#!/usr/bin/env node
// `npx tandem …`: the command line. Workspace packages are TypeScript source; tsx loads them in this
// same process (no child process, so signals and exit codes behave).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
