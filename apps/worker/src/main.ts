/**
 * Tandem's worker: a thin BullMQ host for the runner's job handlers (scaled mode).
 * On SIGTERM or SIGINT it stops taking jobs, lets in-flight ones finish within
 * TANDEM_SHUTDOWN_TIMEOUT_MS, returns the rest to the queue for another worker, and exits.
 */
import { createTandem, resolveRuntimeConfig, type RuntimeConfig } from "@tandem/runner";

const config = readConfig();
const tandem = await createTandem(config, "worker").catch((error: unknown) => {
  // A configuration or connection problem: say what to fix, without a stack trace.
  console.error(`Tandem worker could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
console.log(
  JSON.stringify({ event: "worker-ready", pid: process.pid, version: config.version, concurrency: config.jobConcurrency }),
);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ event: "worker-stopping", signal, timeoutMs: config.shutdownTimeoutMs }));
  try {
    await tandem.close();
    console.log(JSON.stringify({ event: "worker-stopped" }));
    process.exit(0);
  } catch (error) {
    console.error(JSON.stringify({ event: "worker-stop-failed", error: error instanceof Error ? error.message : String(error) }));
    process.exit(1);
  }
}
process.on("SIGTERM", (signal) => void stop(signal));
process.on("SIGINT", (signal) => void stop(signal));

function readConfig(): RuntimeConfig {
  try {
    return resolveRuntimeConfig();
  } catch (error) {
    console.error(`Tandem worker could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
