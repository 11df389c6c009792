import { MemorySaver, type Checkpoint, type CheckpointMetadata, type CheckpointTuple, type PendingWrite } from "@langchain/langgraph-checkpoint";
import type { RunWriteBatcher, RunWrites } from "./run-write-batcher.ts";

type RunnableConfig = Parameters<MemorySaver["getTuple"]>[0];
type StoredCheckpoint = [Uint8Array, Uint8Array, string | undefined];
type StoredWrite = [string, string, Uint8Array, string];

/** MemorySaver's storage, which this saver fills from the database and stores from (fields of the class). */
interface MemoryState {
  storage: Record<string, Record<string, Record<string, StoredCheckpoint>>>;
  writes: Record<string, Record<string, StoredWrite>>;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
const writesKey = (threadId: string, namespace: string, checkpointId: string) => JSON.stringify([threadId, namespace, checkpointId]);
const newestFirst = (left: string, right: string) => right.localeCompare(left);

/**
 * LangGraph checkpoints of runs, kept in memory while a run executes in this process and stored in
 * Postgres only when a run needs them to be durable (ADR 0019): `barrier(runId)` stores the run's
 * latest checkpoint with its pending task writes (and drops the older ones), after the run's buffered
 * events, in the run write batcher's order. The engine calls it before a side effect that follows an
 * unsecured one, shortly after a side effect in the background, and the job at a shutdown; a run that
 * ends without any of these writes no checkpoint at all. A run resumed in another process (a worker
 * died) is read back from the database on first access. Threads are run ids; `release` forgets a run.
 */
export class DurableCheckpointSaver extends MemorySaver {
  private readonly loaded = new Set<string>();
  /** put/putWrites calls of each run still on their way into memory (a barrier waits for them). */
  private readonly arriving = new Map<string, Set<Promise<unknown>>>();
  /** What of each run the database holds: the stored checkpoints' ids and write keys. */
  private readonly stored = new Map<string, string>();
  /** Each run's store in progress, so barriers of one run store one after another. */
  private readonly storing = new Map<string, Promise<void>>();
  /** Called before a run's checkpoint is queued: the run's buffered events go first. */
  private readonly beforeStore = new Map<string, () => void>();

  constructor(private readonly batcher: RunWriteBatcher) {
    super();
  }

  private get state(): MemoryState {
    return this as unknown as MemoryState;
  }

  /**
   * Starts keeping a run. `beforeStoring` runs before each store of its checkpoint, in the same turn:
   * the run's events are queued ahead of it, so a step that a stored checkpoint records as done always
   * has its events and node executions stored too. A `fresh` run (never started before) has nothing
   * stored, so nothing is read back for it. Forgotten on `release`.
   */
  open(threadId: string, options: { fresh: boolean; beforeStoring: () => void }): void {
    this.beforeStore.set(threadId, options.beforeStoring);
    if (options.fresh && this.state.storage[threadId] === undefined) this.loaded.add(threadId);
  }

  /**
   * Stores the run's latest checkpoint and its pending writes, unless the database already has them,
   * and resolves once they are committed; throws when they could not be.
   */
  async barrier(threadId: string): Promise<void> {
    const previous = this.storing.get(threadId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => this.store(threadId));
    this.storing.set(threadId, current);
    try {
      await current;
    } catch (error) {
      throw new Error(`A checkpoint of this run could not be stored: ${error instanceof Error ? error.message : JSON.stringify(error)}`, { cause: error });
    } finally {
      if (this.storing.get(threadId) === current) this.storing.delete(threadId);
    }
  }

  /**
   * Forgets a run in memory; returns whether the database holds checkpoints of it, which a finished
   * run's last write then deletes (a finished run is never resumed).
   */
  release(threadId: string): { stored: boolean } {
    const stored = this.stored.has(threadId);
    this.loaded.delete(threadId);
    this.arriving.delete(threadId);
    this.stored.delete(threadId);
    this.storing.delete(threadId);
    this.beforeStore.delete(threadId);
    delete this.state.storage[threadId];
    const prefix = `[${JSON.stringify(threadId)},`;
    for (const key of Object.keys(this.state.writes)) if (key.startsWith(prefix)) delete this.state.writes[key];
    return { stored };
  }

  private async store(threadId: string): Promise<void> {
    // LangGraph hands checkpoints over without waiting ("async" durability): let them arrive first.
    for (let arriving = this.arriving.get(threadId); arriving && arriving.size > 0; arriving = this.arriving.get(threadId)) {
      await Promise.allSettled([...arriving]);
    }
    const rows = this.latestRows(threadId);
    if (rows.checkpoints.length === 0) return;
    const signature = JSON.stringify([rows.checkpoints.map((row) => row.checkpoint_id), rows.checkpointWrites.map((row) => row.write_key)]);
    if (this.stored.get(threadId) === signature) return;
    this.beforeStore.get(threadId)?.();
    await this.batcher.write(rows);
    this.stored.set(threadId, signature);
  }

  /** The newest checkpoint of each namespace of a run with its pending writes (the batcher deletes older ones). */
  private latestRows(threadId: string): Pick<RunWrites, "checkpoints" | "checkpointWrites"> {
    const rows: Pick<RunWrites, "checkpoints" | "checkpointWrites"> = { checkpoints: [], checkpointWrites: [] };
    for (const [namespace, checkpoints] of Object.entries(this.state.storage[threadId] ?? {})) {
      const checkpointId = Object.keys(checkpoints).sort(newestFirst)[0];
      const stored = checkpointId === undefined ? undefined : checkpoints[checkpointId];
      if (checkpointId === undefined || !stored) continue;
      rows.checkpoints.push({ run_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId, parent_checkpoint_id: stored[2] ?? null, checkpoint: base64(stored[0]), metadata: base64(stored[1]) });
      for (const [key, write] of Object.entries(this.state.writes[writesKey(threadId, namespace, checkpointId)] ?? {})) {
        rows.checkpointWrites.push({ run_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId, write_key: key, task_id: write[0], channel: write[1], value: base64(write[2]), task_path: write[3] });
      }
    }
    return rows;
  }

  /** Registers a put/putWrites of a run until its data is in memory. */
  private arrival<T>(threadId: string | undefined, work: Promise<T>): Promise<T> {
    if (threadId === undefined) return work;
    let arriving = this.arriving.get(threadId);
    if (!arriving) {
      arriving = new Set();
      this.arriving.set(threadId, arriving);
    }
    const set = arriving;
    set.add(work);
    const settled = () => {
      set.delete(work);
      if (set.size === 0 && this.arriving.get(threadId) === set) this.arriving.delete(threadId);
    };
    work.then(settled, settled);
    return work;
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
    // What was read is what the database holds: a barrier with nothing new stores nothing.
    const latest = this.latestRows(threadId);
    this.stored.set(threadId, JSON.stringify([latest.checkpoints.map((row) => row.checkpoint_id), latest.checkpointWrites.map((row) => row.write_key)]));
  }

  override async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    await this.load(config.configurable?.thread_id as string | undefined);
    return super.getTuple(config);
  }

  override async *list(config: RunnableConfig, options?: Parameters<MemorySaver["list"]>[1]): AsyncGenerator<CheckpointTuple> {
    await this.load(config.configurable?.thread_id as string | undefined);
    yield* super.list(config, options);
  }

  /** Keeps the checkpoint in memory; `barrier` stores it when the run needs it durable. */
  override put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata): Promise<RunnableConfig> {
    const threadId = config.configurable?.thread_id as string | undefined;
    return this.arrival(
      threadId,
      (async () => {
        await this.load(threadId);
        return super.put(config, checkpoint, metadata);
      })(),
    );
  }

  /** A finished task's writes, kept in memory like checkpoints. */
  override putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const threadId = config.configurable?.thread_id as string | undefined;
    return this.arrival(
      threadId,
      (async () => {
        await this.load(threadId);
        await super.putWrites(config, writes, taskId, taskPath);
      })(),
    );
  }

  override async getDeltaChannelHistory(options: Parameters<MemorySaver["getDeltaChannelHistory"]>[0]): ReturnType<MemorySaver["getDeltaChannelHistory"]> {
    await this.load(options.config.configurable?.thread_id as string | undefined);
    return super.getDeltaChannelHistory(options);
  }
}
