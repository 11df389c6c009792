import { getTandem } from "../../../../../src/server/tandem-instance.ts";

export const dynamic = "force-dynamic";

/**
 * The embedded GGUF runtime as an OpenAI-compatible API under /api/local/v1 (models, chat completions,
 * completions, embeddings), so other tools on this machine can use Tandem's local models.
 * server.ts only lets loopback clients (or holders of TANDEM_LOCAL_API_KEY) reach it.
 */
async function handle(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  const tandem = await getTandem();
  return tandem.handleLocalModelsApi({
    method: request.method,
    path: `/v1/${path.join("/")}`,
    body: request.method === "GET" ? "" : await request.text(),
    signal: request.signal,
  });
}

export const GET = handle;
export const POST = handle;
