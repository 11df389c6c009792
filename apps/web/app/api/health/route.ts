import { getTandem } from "../../../src/server/tandem-instance.ts";

export const dynamic = "force-dynamic";

/** GET /api/health: database, queue and version. 200 when healthy, 503 when degraded. */
export async function GET(): Promise<Response> {
  try {
    const report = await (await getTandem()).health();
    return Response.json(report, { status: report.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
  } catch (error) {
    return Response.json(
      { status: "down", error: error instanceof Error ? error.message : String(error) },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}
