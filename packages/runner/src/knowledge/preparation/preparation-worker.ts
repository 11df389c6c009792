// Worker-thread entry: prepares documents sent by create-preparation-pool.ts, one message at a time.
import { parentPort } from "node:worker_threads";
import { prepareDocument, type PreparationRequest } from "./prepare-document.ts";

if (!parentPort) throw new Error("preparation-worker.ts runs as a worker thread, not on its own.");
const port = parentPort;

port.on("message", (message: { id: number; request: PreparationRequest }) => {
  void prepareDocument(message.request).then((result) => port.postMessage({ id: message.id, result }));
});
