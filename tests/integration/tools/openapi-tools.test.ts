// OpenAPI tools against a real HTTP service started from the document the test wrote: every operation a
// tool, the four kinds of auth with sealed credentials, parameter and output validation, timeouts, the
// SSRF guard, and a workflow run through the tool node.
import { saveToolProvider, type ToolProviderInput } from "@tandem/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PETS_SECRETS, startPetsApi, type PetsApi } from "./support/pets-api.ts";
import { startToolsFixture, workflowDocument, type ToolsFixture } from "./support/tools-fixture.ts";

let fixture: ToolsFixture;
let api: PetsApi;
let workspaceId = "";
const signal = new AbortController().signal;

beforeAll(async () => {
  fixture = await startToolsFixture("openapi-tools");
  api = await startPetsApi();
  workspaceId = await fixture.createWorkspace("openapi", [api.host]);
}, 60_000);
afterAll(async () => {
  await fixture?.close();
  await api?.close();
});

type OpenApiAuth = Extract<ToolProviderInput["config"], { kind: "openapi" }>["auth"];

function save(name: string, auth: OpenApiAuth, secret: string | undefined, target = workspaceId, allowedHosts = [api.host]) {
  return saveToolProvider(fixture.tandem.db.prisma, fixture.tandem.secrets, { id: target, allowedHosts }, {
    name,
    config: { kind: "openapi", document: api.yaml, auth },
    ...(secret === undefined ? {} : { credentials: { secret } }),
  });
}

describe("OpenAPI tools", () => {
  it("turns every operation of a pasted YAML document into a typed tool, with the secret sealed", async () => {
    const summary = await save("pets", { type: "api-key", in: "header", name: "X-API-Key" }, PETS_SECRETS.apiKey);
    expect(summary.tools).toEqual(["pets__getPet", "pets__listPets", "pets__createPet", "pets__slowPet", "pets__liarPet"]);
    expect(summary.hasCredentials).toBe(true);
    const row = await fixture.tandem.db.prisma.toolProvider.findFirstOrThrow({ where: { workspaceId, name: "pets" } });
    expect(row.credentialsEncrypted).not.toContain(PETS_SECRETS.apiKey);
    const tools = await fixture.toolsOf(workspaceId);
    const getPet = await tools.get("pets__getPet");
    expect(getPet).toMatchObject({
      kind: "openapi",
      description: "Get one pet by id",
      parameters: { type: "object", properties: { petId: { type: "integer" }, "X-Trace": { type: "string" } }, required: ["petId"] },
      output: { type: "object", required: ["id", "name"] },
    });
    expect((await tools.get("pets__createPet"))?.parameters).toMatchObject({ properties: { name: { type: "string" }, species: { enum: ["cat", "dog"] } }, required: ["name", "species"] });
  });

  it("calls operations with path, query, header and body arguments and each kind of auth", async () => {
    await save("pets_query", { type: "api-key", in: "query", name: "api_key" }, PETS_SECRETS.apiKey);
    await save("pets_bearer", { type: "bearer" }, PETS_SECRETS.bearer);
    await save("pets_basic", { type: "basic", username: PETS_SECRETS.username }, PETS_SECRETS.password);
    const tools = await fixture.toolsOf(workspaceId);
    api.requests.length = 0;
    expect(await tools.call("pets__getPet", { petId: 2, "X-Trace": "t-1" }, { signal })).toEqual({ ok: true, output: { id: 2, name: "Rex", species: "dog" } });
    expect(await tools.call("pets_query__listPets", { species: "cat" }, { signal })).toEqual({ ok: true, output: [{ id: 1, name: "Tom", species: "cat" }] });
    expect(await tools.call("pets_bearer__createPet", { name: "Kit", species: "cat" }, { signal })).toEqual({ ok: true, output: { id: 3, name: "Kit", species: "cat" } });
    expect(await tools.call("pets_basic__getPet", { petId: 1 }, { signal })).toMatchObject({ ok: true, output: { name: "Tom" } });
    expect(api.requests).toEqual([
      { method: "GET", url: "/api/pets/2", auth: "api-key-header", trace: "t-1" },
      { method: "GET", url: `/api/pets?species=cat&api_key=${PETS_SECRETS.apiKey}`, auth: "api-key-query" },
      { method: "POST", url: "/api/pets", auth: "bearer", body: { name: "Kit", species: "cat" } },
      { method: "GET", url: "/api/pets/1", auth: "basic" },
    ]);
  });

  it("reports a wrong secret, an HTTP error, invalid arguments and off-schema output clearly", async () => {
    await save("pets_wrong", { type: "bearer" }, "not-the-token");
    const tools = await fixture.toolsOf(workspaceId);
    const unauthorized = await tools.call("pets_wrong__getPet", { petId: 1 }, { signal });
    expect(unauthorized).toEqual({ ok: false, error: { code: "failed", message: expect.stringContaining("HTTP 401 from GET /pets/{petId}") as string } });
    const missing = await tools.call("pets__getPet", { petId: 99 }, { signal });
    expect(!missing.ok && missing.error.message).toMatch(/HTTP 404.*no pet 99/);
    const invalid = await tools.call("pets__listPets", { species: "hamster" }, { signal });
    expect(invalid).toEqual({ ok: false, error: { code: "invalid-arguments", message: 'The arguments of "pets__listPets" are invalid: $.species: must be one of "cat", "dog".' } });
    const noId = await tools.call("pets__getPet", {}, { signal });
    expect(!noId.ok && noId.error.code).toBe("invalid-arguments");
    const liar = await tools.call("pets__liarPet", {}, { signal });
    expect(liar).toEqual({ ok: false, error: { code: "invalid-output", message: expect.stringContaining("$.id: expected integer, got string") as string } });
  });

  it("times out a slow operation", async () => {
    const tools = await fixture.toolsOf(workspaceId);
    const started = Date.now();
    const result = await tools.call("pets__slowPet", {}, { signal, timeoutMs: 300 });
    expect(result).toEqual({ ok: false, error: { code: "timeout", message: 'The tool "pets__slowPet" did not answer within 300 ms.' } });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("refuses a server on a private address the workspace does not allow (SSRF guard), also when fetching the document", async () => {
    const closed = await fixture.createWorkspace("openapi-closed", []);
    await save("pets", { type: "api-key", in: "header", name: "X-API-Key" }, PETS_SECRETS.apiKey, closed, []);
    const tools = await fixture.toolsOf(closed);
    api.requests.length = 0;
    const refused = await tools.call("pets__getPet", { petId: 1 }, { signal });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.message).toMatch(/127\.0\.0\.1/);
    expect(!refused.ok && refused.error.message).toMatch(/allow|private|loopback|blocked/i);
    expect(api.requests).toEqual([]);
    await expect(
      saveToolProvider(fixture.tandem.db.prisma, fixture.tandem.secrets, { id: closed, allowedHosts: [] }, { name: "fetched", config: { kind: "openapi", documentUrl: `${api.url}/openapi.yaml` } }),
    ).rejects.toThrow(/127\.0\.0\.1/);
  });

  it("fetches a document from a URL the workspace allows", async () => {
    const summary = await saveToolProvider(fixture.tandem.db.prisma, fixture.tandem.secrets, { id: workspaceId, allowedHosts: [api.host] }, {
      name: "fetched",
      config: { kind: "openapi", documentUrl: `${api.url}/openapi.yaml`, auth: { type: "bearer" } },
      credentials: { secret: PETS_SECRETS.bearer },
    });
    expect(summary.tools).toContain("fetched__getPet");
  });

  it("lists providers without credentials and every tool a run sees through tandem.tools", async () => {
    const providers = await fixture.tandem.tools.listProviders(workspaceId);
    expect(providers.find((provider) => provider.name === "pets")).toMatchObject({ kind: "openapi", hasCredentials: true, enabled: true });
    expect(JSON.stringify(providers)).not.toContain(PETS_SECRETS.apiKey);
    const tools = (await fixture.tandem.tools.listTools(workspaceId)).map((tool) => `${tool.kind}:${tool.name}`);
    expect(tools).toEqual(expect.arrayContaining(["builtin:calculator", "builtin:knowledge-search", "openapi:pets__getPet", "openapi:pets_basic__createPet"]));
    expect(await fixture.tandem.tools.deleteProvider(workspaceId, "pets_wrong")).toBe(true);
    expect((await fixture.tandem.tools.listProviders(workspaceId)).map((provider) => provider.name)).not.toContain("pets_wrong");
  });

  it("runs the tool node in a workflow, with a variable parameter, and fails the node clearly on a bad one", async () => {
    const document = (petId: unknown) =>
      workflowDocument({
        schemaVersion: 1,
        kind: "workflow",
        graph: {
          nodes: [
            { id: "start", type: "start", version: 1, config: { variables: [{ name: "pet", type: "number", required: true }] } },
            { id: "lookup", type: "tool", version: 1, config: { tool: "pets__getPet", parameters: { petId } } },
            { id: "end", type: "end", version: 1, config: { outputs: [{ name: "pet", selector: ["lookup", "result"] }, { name: "text", selector: ["lookup", "text"] }] } },
          ],
          edges: [
            { id: "e1", source: "start", target: "lookup" },
            { id: "e2", source: "lookup", target: "end" },
          ],
        },
      });
    const finished = await fixture.run(workspaceId, document({ type: "variable", value: ["start", "pet"] }), { pet: 1 });
    expect(finished.status).toBe("succeeded");
    expect(finished.outputs).toEqual({ pet: { id: 1, name: "Tom", species: "cat" }, text: '{"id":1,"name":"Tom","species":"cat"}' });
    const failed = await fixture.run(workspaceId, document({ type: "mixed", value: "one" }), { pet: 1 });
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain('The arguments of "pets__getPet" are invalid: $.petId: expected integer, got string.');
  });
});
