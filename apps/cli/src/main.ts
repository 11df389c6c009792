import { parseArgs } from "node:util";
import { runCommand } from "./run-command.ts";
import { validateCommand } from "./validate-command.ts";

const usage = `Usage:
  tandem validate FILE                 check a workflow (Tandem YAML/JSON or a Dify DSL export)
  tandem run FILE [--inputs JSON] [--json]
                                       validate, then run it on the embedded defaults, printing events

Options:
  --inputs JSON   the run's inputs, e.g. '{"question":"hi"}'
  --json          print events as JSON lines instead of text`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { inputs: { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
});
const [command, file] = positionals;

if (values.help || !command) {
  console.log(usage);
  process.exit(command || values.help ? 0 : 2);
}
if (!file) {
  console.error(`tandem ${command}: give the workflow file.\n\n${usage}`);
  process.exit(2);
}

switch (command) {
  case "validate":
    process.exit(await validateCommand(file));
    break;
  case "run":
    process.exit(await runCommand(file, { inputs: values.inputs, json: values.json ?? false }));
    break;
  default:
    console.error(`Unknown command "${command}".\n\n${usage}`);
    process.exit(2);
}
