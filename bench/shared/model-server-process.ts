import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A scripted model server running in a process of its own, as a real model server would. */
export interface ModelServerProcess {
  /** `${url}/v1`: the base URL for OpenAI clients. */
  openaiBaseUrl: string;
  close(): Promise<void>;
}

const child = fileURLToPath(new URL("./model-server-child.ts", import.meta.url));

/**
 * Starts the scripted model server (zero latency, the given models, one rule replying `reply`) in its
 * own process, so that a benchmark's server process does not also pay for the model server's work: the
 * peers Tandem is compared with were measured against a model server of their own too.
 */
export function startModelServerProcess(options: { models: string[]; reply: string }): Promise<ModelServerProcess> {
  const { NODE_OPTIONS: _loaders, ...env } = process.env;
  const server = spawn(process.execPath, ["--import", "tsx", child, JSON.stringify(options)], { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let output = "";
    server.once("exit", (code) => reject(new Error(`the model server exited with ${code} before it was ready: ${output}`)));
    server.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const line = output.split("\n").find((candidate) => candidate.startsWith("{"));
      if (!line) return;
      const { openaiBaseUrl } = JSON.parse(line) as { openaiBaseUrl: string };
      server.removeAllListeners("exit");
      resolve({
        openaiBaseUrl,
        close: () =>
          new Promise<void>((done) => {
            server.once("exit", () => done());
            server.kill("SIGTERM");
          }),
      });
    });
  });
}
