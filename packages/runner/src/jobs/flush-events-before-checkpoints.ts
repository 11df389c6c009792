import type { BaseCheckpointSaver } from "@langchain/langgraph";

/**
 * The checkpointer as one run sees it: before LangGraph stores a checkpoint or a finished task's writes,
 * the run's buffered events are written. A step that a checkpoint records as done then always has its
 * events and node executions stored too; otherwise a process killed between the two would leave a run
 * that resumes past a node whose execution was never recorded.
 */
export function flushEventsBeforeCheckpoints<S extends BaseCheckpointSaver>(checkpointer: S, flush: () => Promise<void> | void): S {
  // A flush that only queues (returns nothing) lets the checkpoint be handed over in the same call, so a
  // saver that tracks writes as they are asked for sees it at once.
  const put: BaseCheckpointSaver["put"] = (...args) => {
    const flushed = flush();
    return flushed instanceof Promise ? flushed.then(() => checkpointer.put(...args)) : checkpointer.put(...args);
  };
  const putWrites: BaseCheckpointSaver["putWrites"] = (...args) => {
    const flushed = flush();
    return flushed instanceof Promise ? flushed.then(() => checkpointer.putWrites(...args)) : checkpointer.putWrites(...args);
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
