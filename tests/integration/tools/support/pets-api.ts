import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The OpenAPI 3 document of the pets API, as YAML (what users paste most often). */
export const PETS_OPENAPI_YAML = `
openapi: 3.0.3
info: { title: Pets, version: "1.0" }
servers:
  - url: http://127.0.0.1:PORT/api
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      summary: Get one pet by id
      parameters:
        - { name: petId, in: path, required: true, schema: { type: integer } }
        - { name: X-Trace, in: header, schema: { type: string } }
      responses:
        "200":
          description: The pet
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Pet" }
  /pets:
    get:
      operationId: listPets
      summary: List pets of a species
      parameters:
        - { name: species, in: query, required: true, schema: { type: string, enum: [cat, dog] } }
      responses:
        "200":
          description: Pets
          content:
            application/json:
              schema: { type: array, items: { $ref: "#/components/schemas/Pet" } }
    post:
      operationId: createPet
      summary: Add a pet
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name, species]
              properties:
                name: { type: string }
                species: { type: string, enum: [cat, dog] }
      responses:
        "201":
          description: Created
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Pet" }
  /slow:
    get:
      operationId: slowPet
      responses: { "200": { description: never in time } }
  /liar:
    get:
      operationId: liarPet
      responses:
        "200":
          description: A pet whose id is not a number
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Pet" }
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: { type: integer }
        name: { type: string }
        species: { type: string }
`;

export const PETS_SECRETS = { apiKey: "key-123", bearer: "token-456", username: "ada", password: "pw-789" } as const;

export interface PetsApi {
  url: string;
  host: string;
  yaml: string;
  /** Each request: method, path with query, and which credential it carried. */
  requests: Array<{ method: string; url: string; auth: string; trace?: string; body?: unknown }>;
  close(): Promise<void>;
}

function authOf(request: IncomingMessage, url: URL): string {
  if (request.headers["x-api-key"] === PETS_SECRETS.apiKey) return "api-key-header";
  if (url.searchParams.get("api_key") === PETS_SECRETS.apiKey) return "api-key-query";
  if (request.headers.authorization === `Bearer ${PETS_SECRETS.bearer}`) return "bearer";
  if (request.headers.authorization === `Basic ${Buffer.from(`${PETS_SECRETS.username}:${PETS_SECRETS.password}`).toString("base64")}`) return "basic";
  return "none";
}

/** A real HTTP service implementing the document above on 127.0.0.1; every /api route wants one of the credentials. */
export async function startPetsApi(): Promise<PetsApi> {
  const requests: PetsApi["requests"] = [];
  const pets = [
    { id: 1, name: "Tom", species: "cat" },
    { id: 2, name: "Rex", species: "dog" },
  ];
  let yaml = "";
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://localhost");
      const send = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (url.pathname === "/openapi.yaml") {
        response.writeHead(200, { "content-type": "application/yaml" }).end(yaml);
        return;
      }
      const text = Buffer.concat(chunks).toString("utf8");
      const auth = authOf(request, url);
      const trace = typeof request.headers["x-trace"] === "string" ? request.headers["x-trace"] : undefined;
      requests.push({ method: request.method ?? "", url: url.pathname + url.search, auth, ...(trace ? { trace } : {}), ...(text ? { body: JSON.parse(text) as unknown } : {}) });
      if (auth === "none") return send(401, { error: "missing or wrong credentials" });
      const pet = /^\/api\/pets\/(\d+)$/.exec(url.pathname);
      if (pet && request.method === "GET") {
        const found = pets.find((candidate) => candidate.id === Number(pet[1]));
        return found ? send(200, found) : send(404, { error: `no pet ${pet[1]}` });
      }
      if (url.pathname === "/api/pets" && request.method === "GET") return send(200, pets.filter((candidate) => candidate.species === url.searchParams.get("species")));
      if (url.pathname === "/api/pets" && request.method === "POST") {
        const body = JSON.parse(text) as { name: string; species: string };
        const created = { id: pets.length + 1, name: body.name, species: body.species };
        pets.push(created);
        return send(201, created);
      }
      if (url.pathname === "/api/slow") {
        setTimeout(() => send(200, {}), 3000).unref();
        return;
      }
      if (url.pathname === "/api/liar") return send(200, { id: "seven", name: "Liar" });
      return send(404, { error: "no such route" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // A listening TCP server always has an AddressInfo address.
  const { port } = server.address() as AddressInfo;
  yaml = PETS_OPENAPI_YAML.replace("PORT", String(port));
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    yaml,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
