import { createHash, randomBytes } from "node:crypto";
import pg from "pg";

/** One row per table the batcher writes; values are JSON-safe (bytes as base64, dates as ISO strings). */
export interface RunWrites {
  events: Array<{ workspace_id: string; run_id: string; seq: number; type: string; data: unknown; created_at: string }>;
  nodeExecutions: Array<{
    workspace_id: string;
    run_id: string;
    node_id: string;
    node_type: string;
    title: string;
    index: number;
    iteration_index: number | null;
    status: string;
    attempt: number;
    inputs: unknown;
    outputs: unknown;
    error: string | null;
    model: unknown;
    tokens_in: number;
    tokens_out: number;
    cost: number;
    started_at: string;
    finished_at: string;
    elapsed_ms: number;
  }>;
  checkpoints: Array<{ run_id: string; checkpoint_ns: string; checkpoint_id: string; parent_checkpoint_id: string | null; checkpoint: string; metadata: string }>;
  checkpointWrites: Array<{ run_id: string; checkpoint_ns: string; checkpoint_id: string; write_key: string; task_id: string; channel: string; value: string; task_path: string }>;
  /** Runs whose stored checkpoints and writes are deleted (they finished and are never resumed). */
  checkpointDeletes: Array<{ run_id: string }>;
  /** A run's final state (or its move to running). */
  runUpdates: Array<{
    id: string;
    status: string;
    started_at?: string | null;
    outputs?: unknown;
    error?: string | null;
    total_steps?: number;
    total_tokens?: number;
    total_cost?: number;
    elapsed_ms?: number | null;
    finished_at?: string | null;
  }>;
}

type Table = keyof RunWrites;
const TABLES: Table[] = ["runUpdates", "events", "nodeExecutions", "checkpoints", "checkpointWrites", "checkpointDeletes"];

/**
 * Deletes stored checkpoints (and writes) of runs: all of them for a finished run (no namespace), or a
 * namespace's older ones once its newest is stored. Sees what was stored before the statement only.
 */
const pruneOf = (table: string, parameter: string) => `DELETE FROM "langgraph"."${table}" AS t
    USING jsonb_to_recordset(${parameter}::jsonb) AS r(run_id uuid, checkpoint_ns text, keep_checkpoint_id text)
    WHERE t."run_id" = r.run_id AND (r.checkpoint_ns IS NULL OR (t."checkpoint_ns" = r.checkpoint_ns AND t."checkpoint_id" <> r.keep_checkpoint_id))`;

/** The parts of the statement that write one table's rows, read from JSON parameter `$n`. */
const PARTS: Record<Table, (parameter: string) => string | string[]> = {
  events: (p) => `INSERT INTO "run_events" ("workspace_id", "run_id", "seq", "type", "data", "created_at")
    SELECT r.workspace_id, r.run_id, r.seq, r.type, r.data, r.created_at
    FROM jsonb_to_recordset(${p}::jsonb) AS r(workspace_id uuid, run_id uuid, seq int, type text, data jsonb, created_at timestamp(3))
    ON CONFLICT ("run_id", "seq") DO NOTHING`,
  nodeExecutions: (p) => `INSERT INTO "node_executions" ("workspace_id", "run_id", "node_id", "node_type", "title", "index", "iteration_index", "status",
      "attempt", "inputs", "outputs", "error", "model", "tokens_in", "tokens_out", "cost", "started_at", "finished_at", "elapsed_ms")
    SELECT r.workspace_id, r.run_id, r.node_id, r.node_type, r.title, r.index, r.iteration_index, r.status::"node_execution_status",
      r.attempt, r.inputs, r.outputs, r.error, r.model, r.tokens_in, r.tokens_out, r.cost, r.started_at, r.finished_at, r.elapsed_ms
    FROM jsonb_to_recordset(${p}::jsonb) AS r(workspace_id uuid, run_id uuid, node_id text, node_type text, title text, index int,
      iteration_index int, status text, attempt int, inputs jsonb, outputs jsonb, error text, model jsonb, tokens_in int, tokens_out int,
      cost numeric, started_at timestamp(3), finished_at timestamp(3), elapsed_ms int)`,
  checkpoints: (p) => `INSERT INTO "langgraph"."run_checkpoints" ("run_id", "checkpoint_ns", "checkpoint_id", "parent_checkpoint_id", "checkpoint", "metadata")
    SELECT r.run_id, r.checkpoint_ns, r.checkpoint_id, r.parent_checkpoint_id, decode(r.checkpoint, 'base64'), decode(r.metadata, 'base64')
    FROM jsonb_to_recordset(${p}::jsonb) AS r(run_id uuid, checkpoint_ns text, checkpoint_id text, parent_checkpoint_id text, checkpoint text, metadata text)
    ON CONFLICT ("run_id", "checkpoint_ns", "checkpoint_id") DO UPDATE SET "checkpoint" = EXCLUDED."checkpoint", "metadata" = EXCLUDED."metadata"`,
  checkpointWrites: (p) => `INSERT INTO "langgraph"."run_checkpoint_writes" ("run_id", "checkpoint_ns", "checkpoint_id", "write_key", "task_id", "channel", "value", "task_path")
    SELECT r.run_id, r.checkpoint_ns, r.checkpoint_id, r.write_key, r.task_id, r.channel, decode(r.value, 'base64'), r.task_path
    FROM jsonb_to_recordset(${p}::jsonb) AS r(run_id uuid, checkpoint_ns text, checkpoint_id text, write_key text, task_id text, channel text, value text, task_path text)
    ON CONFLICT ("run_id", "checkpoint_ns", "checkpoint_id", "write_key") DO UPDATE SET "channel" = EXCLUDED."channel", "value" = EXCLUDED."value", "task_path" = EXCLUDED."task_path"`,
  // Rows { run_id, checkpoint_ns, keep_checkpoint_id } made by prepare() from the deletes and the stored checkpoints.
  checkpointDeletes: (p) => [pruneOf("run_checkpoints", p), pruneOf("run_checkpoint_writes", p)],
  runUpdates: (p) => `UPDATE "runs" AS t SET
      "status" = r.status::"run_status",
      "started_at" = CASE WHEN r.has_started_at THEN r.started_at ELSE t."started_at" END,
      "outputs" = CASE WHEN r.has_outputs THEN r.outputs ELSE t."outputs" END,
      "error" = CASE WHEN r.has_error THEN r.error ELSE t."error" END,
      "total_steps" = COALESCE(r.total_steps, t."total_steps"),
      "total_tokens" = COALESCE(r.total_tokens, t."total_tokens"),
      "total_cost" = COALESCE(r.total_cost, t."total_cost"),
      "elapsed_ms" = CASE WHEN r.has_elapsed_ms THEN r.elapsed_ms ELSE t."elapsed_ms" END,
      "finished_at" = CASE WHEN r.has_finished_at THEN r.finished_at ELSE t."finished_at" END
    FROM jsonb_to_recordset(${p}::jsonb) AS r(id uuid, status text, has_started_at boolean, started_at timestamp(3), has_outputs boolean, outputs jsonb,
      has_error boolean, error text, total_steps int, total_tokens int, total_cost numeric, has_elapsed_ms boolean, elapsed_ms int,
      has_finished_at boolean, finished_at timestamp(3))
    WHERE t."id" = r.id`,
};

/** Rows of one upsert table that share a key: the last one wins (one statement may not touch a row twice). */
function lastByKey<T>(rows: T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) byKey.set(key(row), row);
  return [...byKey.values()];
}

/** Rows of one table that share a key, merged into one (later fields win): a run's move to running and its end in one batch keep both. */
function mergeByKey<T extends object>(rows: T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) {
    const earlier = byKey.get(key(row));
    byKey.set(key(row), earlier === undefined ? row : { ...earlier, ...row });
  }
  return [...byKey.values()];
}

const namespaceKey = (row: { run_id: string; checkpoint_ns: string | null }) => `${row.run_id}\u0000${row.checkpoint_ns ?? ""}`;

/**
 * Checkpoints as one statement can store them: per run and namespace only the newest queued one with
 * its writes, the older stored ones deleted (a run resumes from its newest only), and nothing of a run
 * whose checkpoints this statement deletes because it finished (the delete does not see rows inserted
 * by the same statement).
 */
function prepareCheckpoints(writes: RunWrites): Pick<RunWrites, "checkpoints" | "checkpointWrites" | "checkpointDeletes"> {
  const finished = new Set(writes.checkpointDeletes.map((row) => row.run_id));
  const checkpoints = lastByKey(
    writes.checkpoints.filter((row) => !finished.has(row.run_id)),
    namespaceKey,
  );
  const kept = new Set(checkpoints.map((row) => `${namespaceKey(row)}\u0000${row.checkpoint_id}`));
  const deletes = [
    ...[...finished].map((runId) => ({ run_id: runId, checkpoint_ns: null, keep_checkpoint_id: null })),
    ...checkpoints.map((row) => ({ run_id: row.run_id, checkpoint_ns: row.checkpoint_ns, keep_checkpoint_id: row.checkpoint_id })),
  ];
  return {
    checkpoints,
    checkpointWrites: lastByKey(
      writes.checkpointWrites.filter((row) => kept.has(`${namespaceKey(row)}\u0000${row.checkpoint_id}`)),
      (row) => `${namespaceKey(row)}\u0000${row.checkpoint_id}\u0000${row.write_key}`,
    ),
    // The SQL reads all three columns; the type names only what callers queue.
    checkpointDeletes: deletes,
  };
}

function prepare(writes: RunWrites): RunWrites {
  return {
    ...writes,
    ...prepareCheckpoints(writes),
    runUpdates: mergeByKey(writes.runUpdates, (row) => row.id).map((row) => ({
      ...row,
      has_started_at: "started_at" in row,
      has_outputs: "outputs" in row,
      has_error: "error" in row,
      has_elapsed_ms: "elapsed_ms" in row,
      has_finished_at: "finished_at" in row,
    })),
  };
}

/**
 * Runs statements as named prepared statements: each connection parses and plans a statement once,
 * and later runs only bind values (the hot path runs the same few statements for every run). Names are
 * unique per batcher and connection because embedded Postgres serves every connection, from every
 * process, from one session, where a second connection preparing the same name would fail. (A process
 * that ends leaves its few statements in that session until the database restarts.)
 */
function createPreparedStatements() {
  const names = new Map<string, string>();
  const connections = new WeakMap<pg.PoolClient, string>();
  const token = randomBytes(4).toString("hex");
  let connectionsSeen = 0;
  return async function runPrepared<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    let name = names.get(text);
    if (name === undefined) {
      name = `tandem_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
      names.set(text, name);
    }
    const client = await pool.connect();
    try {
      let connection = connections.get(client);
      if (connection === undefined) {
        connection = `${token}_${(connectionsSeen += 1)}`;
        connections.set(client, connection);
      }
      return await client.query<R>({ name: `${name}_${connection}`, text, values });
    } finally {
      client.release();
    }
  };
}

const empty = (): RunWrites => ({ events: [], nodeExecutions: [], checkpoints: [], checkpointWrites: [], checkpointDeletes: [], runUpdates: [] });

/**
 * Every write of every run in this process (events, node executions, checkpoints, status changes) goes
 * through here and is committed in batches: all that is pending is written by ONE statement (one
 * data-modifying CTE per table), so a step costs one round trip however many runs take one at once, and
 * a checkpoint is never stored without the events queued before it. `write` resolves once its rows
 * are committed; batches are written one after another, in order.
 */
export function createRunWriteBatcher(options: { connectionString: string; onError?: (error: unknown) => void }) {
  // Connections are kept (no idle timeout): each holds its prepared statements.
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 1, idleTimeoutMillis: 0 });
  pool.on("error", (error) => options.onError?.(error));
  // Reads and single-row statements of the hot path, on their own connections so they never wait behind a batch.
  const queries = new pg.Pool({ connectionString: options.connectionString, max: 4, idleTimeoutMillis: 0 });
  queries.on("error", (error) => options.onError?.(error));
  const runPrepared = createPreparedStatements();
  let pending = empty();
  let waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  let scheduled = false;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  async function writeBatch(batch: RunWrites, batchWaiters: typeof waiters): Promise<void> {
    const prepared = prepare(batch);
    const parameters: string[] = [];
    const parts: string[] = [];
    for (const table of TABLES) {
      const rows = prepared[table];
      if (rows.length === 0) continue;
      parameters.push(JSON.stringify(rows));
      for (const part of [PARTS[table](`$${parameters.length}`)].flat()) parts.push(`w${parts.length} AS (${part})`);
    }
    try {
      if (parts.length > 0) await runPrepared(pool, `WITH ${parts.join(",\n")} SELECT 1`, parameters);
      for (const waiter of batchWaiters) waiter.resolve();
    } catch (error) {
      for (const waiter of batchWaiters) waiter.reject(error);
    }
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // The batch closes after the current turn of the event loop (everything queued meanwhile joins it),
    // or, while a batch is being written, when that one is done.
    writing = writing.then(
      () =>
        new Promise<void>((resolve) => {
          setImmediate(() => {
            scheduled = false;
            const batch = pending;
            const batchWaiters = waiters;
            pending = empty();
            waiters = [];
            void writeBatch(batch, batchWaiters).then(resolve);
          });
        }),
    );
  }

  return {
    /** Queues rows; resolves once they are committed. */
    write(rows: Partial<RunWrites>): Promise<void> {
      if (closed) return Promise.reject(new Error("The run write batcher is closed."));
      for (const table of TABLES) {
        const list = rows[table];
        if (list && list.length > 0) (pending[table] as unknown[]).push(...list);
      }
      const committed = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      schedule();
      return committed;
    },
    /** Runs one statement on a connection of its own (not ordered with the batches). */
    async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
      return (await runPrepared<R>(queries, text, values)).rows;
    },
    async close(): Promise<void> {
      closed = true;
      await writing;
      await Promise.all([pool.end(), queries.end()]);
    },
  };
}

export type RunWriteBatcher = ReturnType<typeof createRunWriteBatcher>;
