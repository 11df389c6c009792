import type { HealthReport } from "@tandem/runner";
import { getTandem } from "../src/server/tandem-instance.ts";

export const dynamic = "force-dynamic";

async function readHealth(): Promise<HealthReport | { error: string }> {
  try {
    return await (await getTandem()).health();
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const journeys = [
  {
    title: "Knowledge-base bots",
    text: "Upload documents, retrieve with BM25 and vectors, answer with citations.",
  },
  {
    title: "Ask your databases",
    text: "Text2SQL over PostgreSQL, MySQL, SQLite or an HTTP SQL API, read-only by construction.",
  },
  {
    title: "Publish as an API",
    text: "Any workflow behind Dify- and OpenAI-compatible endpoints your clients already speak.",
  },
];

export default async function HomePage() {
  const health = await readHealth();
  return (
    <main className="page">
      <header className="top">
        <span className="logo" aria-hidden>
          ◐◑
        </span>
        <span className="brand">Tandem</span>
      </header>

      <section className="hero">
        <h1>Local models and cloud LLMs, working in tandem.</h1>
        <p>
          Build RAG and agent workflows on a canvas. Every node picks its own model: a small model on your own
          machine for privacy, latency and cost, a cloud model where you want one.
        </p>
      </section>

      <section className="grid" aria-label="What Tandem is for">
        {journeys.map((journey) => (
          <article key={journey.title} className="card">
            <h2>{journey.title}</h2>
            <p>{journey.text}</p>
          </article>
        ))}
      </section>

      <section className="status" aria-label="System status">
        <h2>System status</h2>
        {"error" in health ? (
          <p className="bad">Services unavailable: {health.error}</p>
        ) : (
          <dl>
            <div>
              <dt>Status</dt>
              <dd className={health.status === "ok" ? "good" : "bad"}>{health.status}</dd>
            </div>
            <div>
              <dt>Mode</dt>
              <dd>{health.mode}</dd>
            </div>
            <div>
              <dt>Database</dt>
              <dd className={health.database.ok ? "good" : "bad"}>
                {health.database.kind === "embedded" ? "embedded Postgres" : "PostgreSQL"} · {health.database.latencyMs} ms
              </dd>
            </div>
            <div>
              <dt>Jobs</dt>
              <dd className={health.queue.ok ? "good" : "bad"}>
                {health.queue.kind === "bullmq" ? "BullMQ workers" : "in-process"}
              </dd>
            </div>
            <div>
              <dt>Version</dt>
              <dd>{health.version}</dd>
            </div>
          </dl>
        )}
        <p className="hint">
          Machine-readable: <a href="/api/health">/api/health</a>
        </p>
      </section>
    </main>
  );
}
