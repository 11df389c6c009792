import { MemorySaver, type Checkpoint, type CheckpointMetadata, type CheckpointTuple, type PendingWrite } from "@langchain/langgraph-checkpoint";
import type { RunWriteBatcher } from "./run-write-batcher.ts";

type RunnableConfig = Parameters<MemorySaver["getTuple"]>[0];
type StoredCheckpoint = [Uint8Array, Uint8Array, string | undefined];
type StoredWrite = [string, string, Uint8Array, string];

/** MemorySaver's storage, which this saver fills from the database and persists from (fields of the class). */
interface MemoryState {
  storage: Record<string, Record<string, Record<string, StoredCheckpoint>>>;
  writes: Record<string, Record<string, StoredWrite>>;
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
const writesKey = (threadId: string, namespace: string, checkpointId: string) => JSON.stringify([threadId, namespace, checkpointId]);

/**
 * LangGraph checkpoints of runs, kept in memory while a run executes in this process and written to
 * Postgres through the run write batcher (with the run's events, in the same statements): `put` and
 * `putWrites` return once queued, and `barrier` resolves once what was queued is committed. A run resumed
 * in another process (a worker died) is read back from the database on first access. Threads are run
 * ids; `release` forgets a finished run's checkpoints in memory.
 */
export class DurableCheckpointSaver extends MemorySaver {
  private readonly loaded = new Set<string>();
  /** Writes of each run not yet committed (see barrier). */
  private readonly inFlight = new Map<string, Set<Promise<unknown>>>();

  /** A run's first failed write, reported by its next barrier. */
  private readonly failures = new Map<string, unknown>();

  /** Registers a write of a run until it settles; a failure is kept for the run's next barrier. */
  private track(threadId: string | undefined, write: Promise<void>): void {
    if (threadId === undefined) {
      write.catch(() => undefined);
      return;
    }
    let writes = this.inFlight.get(threadId);
    if (!writes) {
      writes = new Set();
      this.inFlight.set(threadId, writes);
    }
    const entry: Promise<void> = write
      .catch((error: unknown) => {
        if (!this.failures.has(threadId)) this.failures.set(threadId, error);
      })
      .finally(() => {
        writes.delete(entry);
        if (writes.size === 0 && this.inFlight.get(threadId) === writes) this.inFlight.delete(threadId);
      });
    writes.add(entry);
  }

  /**
   * Resolves once every checkpoint and write of the run asked for so far is committed; throws the first
   * write of the run that failed. The engine awaits it before every node with side effects.
   */
  async barrier(threadId: string): Promise<void> {
    const writes = this.inFlight.get(threadId);
    if (writes && writes.size > 0) await Promise.all([...writes]);
    const failure = this.failures.get(threadId);
    if (failure !== undefined) throw new Error(`A checkpoint of this run could not be stored: ${failure instanceof Error ? failure.message : JSON.stringify(failure)}`, { cause: failure });
  }

  constructor(private readonly batcher: RunWriteBatcher) {
    super();
  }

  private get state(): MemoryState {
    return this as unknown as MemoryState;
  }

  /** Reads a thread's stored checkpoints and writes into memory, once per process. */
  private async load(threadId: string | undefined): Promise<void> {
    if (threadId === undefined || this.loaded.has(threadId)) return;
    this.loaded.add(threadId);
    if (this.state.storage[threadId] !== undefined) return;
    const checkpoints = await this.batcher.query<{ checkpoint_ns: string; checkpoint_id: string; parent_checkpoint_id: string | null; checkpoint: Buffer; metadata: Buffer }>(
      `SELECT "checkpoint_ns", "checkpoint_id", "parent_checkpoint_id", "checkpoint", "metadata" FROM "langgraph"."run_checkpoints" WHERE "run_id" = $1`,
      [threadId],
    );
    if (checkpoints.length === 0) return;
    const writes = await this.batcher.query<{ checkpoint_ns: string; checkpoint_id: string; write_key: string; task_id: string; channel: string; value: Buffer; task_path: string }>(
      `SELECT "checkpoint_ns", "checkpoint_id", "write_key", "task_id", "channel", "value", "task_path" FROM "langgraph"."run_checkpoint_writes" WHERE "run_id" = $1`,
      [threadId],
    );
    const byNamespace: Record<string, Record<string, StoredCheckpoint>> = Object.create(null) as Record<string, Record<string, StoredCheckpoint>>;
    for (const row of checkpoints) {
      (byNamespace[row.checkpoint_ns] ??= Object.create(null) as Record<string, StoredCheckpoint>)[row.checkpoint_id] = [
        new Uint8Array(row.checkpoint),
        new Uint8Array(row.metadata),
        row.parent_checkpoint_id ?? undefined,
      ];
    }
    this.state.storage[threadId] = byNamespace;
    for (const row of writes) {
      (this.state.writes[writesKey(threadId, row.checkpoint_ns, row.checkpoint_id)] ??= Object.create(null) as Record<string, StoredWrite>)[row.write_key] = [
        row.task_id,
        row.channel,
        new Uint8Array(row.value),
        row.task_path,
      ];
    }
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    await this.load(config.configurable?.thread_id as string | undefined);
    return super.getTuple(config);
  }

  override async *list(config: RunnableConfig, options?: Parameters<MemorySaver["list"]>[1]): AsyncGenerator<CheckpointTuple> {
    await this.load(config.configurable?.thread_id as string | undefined);
    yield* super.list(config, options);
  }

  /**
   * Keeps the checkpoint in memory and queues it for the database, returning once queued: LangGraph does
   * not wait for the database (async durability); `barrier` does, before a side effect. The write is
   * registered at the call, so a barrier asked for right after covers it.
   */
  override put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<RunnableConfig> {
    const threadId = config.configurable?.thread_id as string | undefined;
    const committed = deferred();
    this.track(threadId, committed.promise);
    return (async () => {
      await this.load(threadId);
      const result = await super.put(config, checkpoint, metadata);
      const namespace = (config.configurable?.checkpoint_ns as string | undefined) ?? "";
      const stored = threadId === undefined ? undefined : this.state.storage[threadId]?.[namespace]?.[checkpoint.id];
      if (threadId !== undefined && stored) {
        this.batcher
          .write({
            checkpoints: [
              { run_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpoint.id, parent_checkpoint_id: stored[2] ?? null, checkpoint: base64(stored[0]), metadata: base64(stored[1]) },
            ],
          })
          .then(committed.resolve, committed.reject);
      } else committed.resolve();
      return result;
    })().catch((error: unknown) => {
      committed.reject(error);
      throw error;
    });
  }

  /** A finished task's writes, kept and queued like checkpoints. */
  override putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const threadId = config.configurable?.thread_id as string | undefined;
    const committed = deferred();
    this.track(threadId, committed.promise);
    return (async () => {
      await this.load(threadId);
      await super.putWrites(config, writes, taskId, taskPath);
      const namespace = (config.configurable?.checkpoint_ns as string | undefined) ?? "";
      const checkpointId = config.configurable?.checkpoint_id as string | undefined;
      if (threadId === undefined || checkpointId === undefined) return committed.resolve();
      const stored = this.state.writes[writesKey(threadId, namespace, checkpointId)] ?? {};
      const rows = Object.entries(stored)
        .filter(([, record]) => record[0] === taskId)
        .map(([key, record]) => ({ run_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId, write_key: key, task_id: record[0], channel: record[1], value: base64(record[2]), task_path: record[3] }));
      if (rows.length > 0) this.batcher.write({ checkpointWrites: rows }).then(committed.resolve, committed.reject);
      else committed.resolve();
    })().catch((error: unknown) => {
      committed.reject(error);
      throw error;
    });
  }

  override async getDeltaChannelHistory(options: Parameters<MemorySaver["getDeltaChannelHistory"]>[0]): ReturnType<MemorySaver["getDeltaChannelHistory"]> {
    await this.load(options.config.configurable?.thread_id as string | undefined);
    return super.getDeltaChannelHistory(options);
  }

  /** Forgets a run's checkpoints in memory (they stay stored); call when the run is over in this process. */
  release(threadId: string): void {
    this.loaded.delete(threadId);
    this.inFlight.delete(threadId);
    this.failures.delete(threadId);
    delete this.state.storage[threadId];
    for (const key of Object.keys(this.state.writes)) if (key.startsWith(`[${JSON.stringify(threadId)},`)) delete this.state.writes[key];
  }
}
