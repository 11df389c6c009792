import type { SqlDialect } from "./tokenize-sql.ts";

/**
 * Functions a read-only query must not call, whatever the dialect (a name means nothing harmful in the
 * others): they sleep or burn CPU on purpose, touch files, the network or other processes, take locks that
 * outlive the query, change settings or sequences, or run SQL given as text (which the guard cannot see).
 * Schema-qualified and quoted names are matched on their last part, lowercased. Resource use by ordinary
 * functions (a huge generate_series, repeat) is bounded by the statement timeout and the row cap instead.
 */
const FORBIDDEN_FUNCTIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // Delays and CPU burners.
    pg_sleep: "sleeps on purpose",
    pg_sleep_for: "sleeps on purpose",
    pg_sleep_until: "sleeps on purpose",
    sleep: "sleeps on purpose",
    benchmark: "burns CPU on purpose",
    // Files and programs on the database server.
    pg_read_file: "reads files on the database server",
    pg_read_binary_file: "reads files on the database server",
    pg_stat_file: "reads file metadata on the database server",
    pg_current_logfile: "reveals server files",
    pg_file_write: "writes files on the database server",
    pg_file_rename: "renames files on the database server",
    pg_file_unlink: "deletes files on the database server",
    pg_file_sync: "touches files on the database server",
    pg_logdir_ls: "lists server directories",
    load_file: "reads files on the database server",
    load_extension: "loads native code into the database",
    readfile: "reads files",
    writefile: "writes files",
    edit: "starts an editor",
    fsdir: "lists the file system",
    zipfile: "reads archives from the file system",
    fileio_read: "reads files",
    fileio_write: "writes files",
    fileio_ls: "lists the file system",
    fileio_mkdir: "creates directories",
    fileio_symlink: "creates links",
    fts3_tokenizer: "can load native code into SQLite",
    sys_exec: "runs programs on the database server",
    sys_eval: "runs programs on the database server",
    sys_get: "reads the server environment",
    sys_set: "changes the server environment",
    xp_cmdshell: "runs programs on the database server",
    shell: "runs programs",
    system: "runs programs",
    // SQL given as text, other connections and servers.
    dblink: "runs SQL on another connection, outside the read-only transaction",
    query_to_xml: "runs SQL given as text",
    query_to_xmlschema: "runs SQL given as text",
    query_to_xml_and_xmlschema: "runs SQL given as text",
    cursor_to_xml: "reads an open cursor",
    cursor_to_xmlschema: "reads an open cursor",
    table_to_xml: "reads a table named by a string",
    table_to_xmlschema: "reads a table named by a string",
    table_to_xml_and_xmlschema: "reads a table named by a string",
    schema_to_xml: "reads every table of a schema",
    schema_to_xmlschema: "reads every table of a schema",
    schema_to_xml_and_xmlschema: "reads every table of a schema",
    database_to_xml: "reads every table of the database",
    database_to_xmlschema: "reads every table of the database",
    database_to_xml_and_xmlschema: "reads every table of the database",
    ts_stat: "runs SQL given as text",
    ts_rewrite: "runs SQL given as text",
    eval: "runs SQL given as text",
    exec: "runs SQL or programs given as text",
    execute: "runs SQL given as text",
    sp_executesql: "runs SQL given as text",
    openrowset: "reads other servers or files",
    opendatasource: "reads other servers",
    openquery: "runs SQL on another server",
    // Large objects.
    lo_import: "reads server files into large objects",
    lo_export: "writes large objects to server files",
    lo_create: "creates large objects",
    lo_creat: "creates large objects",
    lo_unlink: "deletes large objects",
    lo_open: "opens large objects",
    lo_close: "closes large objects",
    lo_put: "writes large objects",
    lo_get: "reads large objects",
    lo_from_bytea: "creates large objects",
    lo_truncate: "writes large objects",
    lo_truncate64: "writes large objects",
    lo_lseek: "uses large object descriptors",
    lo_lseek64: "uses large object descriptors",
    lo_tell: "uses large object descriptors",
    lo_tell64: "uses large object descriptors",
    loread: "reads large objects",
    lowrite: "writes large objects",
    // Other sessions and the server itself.
    pg_terminate_backend: "ends other sessions",
    pg_cancel_backend: "cancels other sessions' queries",
    pg_reload_conf: "reloads the server configuration",
    pg_rotate_logfile: "rotates the server log",
    pg_promote: "promotes a standby",
    pg_switch_wal: "switches the write-ahead log",
    pg_switch_xlog: "switches the write-ahead log",
    pg_create_restore_point: "writes to the write-ahead log",
    pg_start_backup: "starts a backup",
    pg_stop_backup: "stops a backup",
    pg_backup_start: "starts a backup",
    pg_backup_stop: "stops a backup",
    pg_log_backend_memory_contexts: "writes to the server log",
    pg_export_snapshot: "exports a snapshot to other sessions",
    pg_import_snapshot: "imports another session's snapshot",
    pg_notify: "sends notifications to other sessions",
    pg_wal_replay_pause: "pauses replication",
    pg_wal_replay_resume: "resumes replication",
    pg_prewarm: "loads relations into memory",
    // Settings, sequences, transaction ids.
    set_config: "changes settings",
    current_setting: "reveals server settings",
    nextval: "advances a sequence (a write)",
    setval: "sets a sequence (a write)",
    txid_current: "assigns a transaction id (a write)",
    pg_current_xact_id: "assigns a transaction id (a write)",
    // Locks that outlive the query (MySQL) and replication waits.
    get_lock: "takes a lock that outlives the query",
    release_lock: "releases other locks",
    release_all_locks: "releases other locks",
    is_free_lock: "inspects named locks",
    is_used_lock: "inspects named locks",
    master_pos_wait: "waits on replication",
    source_pos_wait: "waits on replication",
    wait_for_executed_gtid_set: "waits on replication",
    wait_until_sql_thread_after_gtids: "waits on replication",
  }),
);

/** Name prefixes that cover whole families (every dblink_* and pg_advisory_* variant, pg_ls_dir and friends). */
const FORBIDDEN_FUNCTION_PREFIXES: readonly (readonly [string, string])[] = [
  ["dblink", "runs SQL on another connection, outside the read-only transaction"],
  ["pg_ls_", "lists server directories"],
  ["pg_read_", "reads files on the database server"],
  ["pg_file_", "touches files on the database server"],
  ["pg_advisory_", "takes a lock that outlives the query"],
  ["pg_try_advisory_", "takes a lock that outlives the query"],
  ["pg_stat_reset", "resets statistics (a write)"],
  ["pg_stat_statements_reset", "resets statistics (a write)"],
  ["pg_create_", "creates replication objects"],
  ["pg_drop_", "drops replication objects"],
  ["pg_replication_", "changes replication state"],
  ["pg_logical_", "reads or writes logical replication"],
  ["pg_copy_", "copies replication slots"],
  ["lo_", "works on large objects"],
  ["xp_", "is an extended stored procedure"],
  ["sys_", "is a system-command UDF"],
  ["fileio_", "touches files"],
];

/** Why `name` (a function name as written, possibly quoted) is forbidden, or undefined when it is allowed. */
export function forbiddenFunctionReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  const exact = FORBIDDEN_FUNCTIONS.get(lower);
  if (exact) return exact;
  for (const [prefix, reason] of FORBIDDEN_FUNCTION_PREFIXES) if (lower.startsWith(prefix)) return reason;
  // MySQL resolves function names under a case-insensitive Unicode collation (ſleep is sleep): only
  // ASCII names are let through, which every built-in function has.
  if (/[^\x20-\x7e]/.test(name)) return "has a name with non-ASCII characters";
  return undefined;
}

/**
 * System relations that leak credentials, other sessions' queries or server configuration. Reading
 * `sqlite_master`/`sqlite_schema` is allowed: it holds only the schema's CREATE statements, the schema
 * linker reads it anyway, and writing it needs `PRAGMA writable_schema`, which the guard refuses.
 * Checked on the last part of a name, lowercased; MySQL's system schemas are refused as qualifiers.
 */
const FORBIDDEN_TABLES: Record<SqlDialect, ReadonlySet<string>> = {
  postgresql: new Set([
    "pg_authid",
    "pg_shadow",
    "pg_user_mapping",
    "pg_user_mappings",
    "pg_hba_file_rules",
    "pg_ident_file_mappings",
    "pg_file_settings",
    "pg_settings",
    "pg_stat_activity",
    "pg_largeobject",
    "pg_largeobject_metadata",
    "pg_subscription",
    "pg_statistic",
    "pg_stat_statements",
    "pg_config",
    "pg_db_role_setting",
  ]),
  mysql: new Set(["processlist", "user_privileges", "innodb_trx", "user_attributes"]),
  sqlite: new Set(["sqlite_dbpage", "sqlite_dbdata", "sqlite_dbptr"]),
};

/** MySQL schemas no query may name: accounts, grants, other sessions' statements. */
const FORBIDDEN_SCHEMAS: Record<SqlDialect, ReadonlySet<string>> = {
  postgresql: new Set(),
  mysql: new Set(["mysql", "performance_schema", "sys"]),
  sqlite: new Set(),
};

export function isForbiddenTable(dialect: SqlDialect, name: string): boolean {
  return FORBIDDEN_TABLES[dialect].has(name.toLowerCase());
}

export function isForbiddenSchema(dialect: SqlDialect, name: string): boolean {
  return FORBIDDEN_SCHEMAS[dialect].has(name.toLowerCase());
}
