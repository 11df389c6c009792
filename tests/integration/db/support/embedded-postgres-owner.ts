// A second process for embedded-postgres-worker.test.ts: starts embedded Postgres on the folder given
// as its argument, prints its port, and on SIGTERM stops it and then ends by itself (no process.exit),
// which it can only do once the database's worker thread has ended.
import { startEmbeddedPostgres } from "@tandem/db";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: embedded-postgres-owner.ts DATA_DIR");
const postgres = await startEmbeddedPostgres({ dataDir });
process.once("SIGTERM", () => {
  postgres.stop().then(
    () => console.log("stopped"),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
});
console.log(`listening on ${postgres.port}, owned: ${postgres.owned}`);
