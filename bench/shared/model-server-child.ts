// The scripted model server as a process of its own (see model-server-process.ts); prints its URL as JSON.
import { startScriptedModelServer } from "@tandem/testkit";

const { models, reply } = JSON.parse(process.argv[2] ?? "{}") as { models: string[]; reply: string };
const server = await startScriptedModelServer({ latencyMs: 0, recordCalls: false, models });
server.addRule({ reply: { type: "text", text: reply } });
console.log(JSON.stringify({ openaiBaseUrl: server.openaiBaseUrl }));
process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
