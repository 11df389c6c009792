import type { BaseCheckpointSaver } from "@langchain/langgraph";

/**
 * The checkpointer as one run sees it: before LangGraph stores a checkpoint or a finished task's writes,
 * the run's buffered events are written. A step that a checkpoint records as done then always has its
 * events and node executions stored too; otherwise a process killed between the two would leave a run
 * that resumes past a node whose execution was never recorded.
 */
export function flushEventsBeforeCheckpoints<S extends BaseCheckpointSaver>(checkpointer: S, flush: () => void): S {
  // `flush` queues the events in the same ordered writer as the checkpoint (it does not wait), and the
  // checkpoint is handed over in the same call, so a saver that tracks writes as they are asked for sees it at once.
  const put: BaseCheckpointSaver["put"] = (...args) => {
    flush();
    return checkpointer.put(...args);
  };
  const putWrites: BaseCheckpointSaver["putWrites"] = (...args) => {
    flush();
    return checkpointer.putWrites(...args);
  };
  return new Proxy(checkpointer, {
    get(target, property) {
      if (property === "put") return put;
      if (property === "putWrites") return putWrites;
      const value: unknown = Reflect.get(target, property, target);
      // Bound to the saver itself, so its own fields (private ones included) resolve as usual.
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
