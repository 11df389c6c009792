import { createHash } from "node:crypto";

/** The models the server serves, with every listing body serialised once at start-up. */
export interface ModelCatalog {
  readonly names: readonly string[];
  /** The listed name for a requested one (Ollama's `name:latest` finds `name`); undefined when unknown. */
  resolve(requested: string): string | undefined;
  isEmbeddingModel(name: string): boolean;
  /** `GET /v1/models`. */
  readonly openAiModelsBody: string;
  /** `GET /api/tags`. */
  readonly ollamaTagsBody: string;
  /** `GET /v1/models/:id` for a listed model. */
  openAiModelBody(name: string): string;
  /** `POST /api/show` for a listed model. */
  ollamaShowBody(name: string): string;
}

/** A fixed date, so listings are identical from run to run. */
const modifiedAt = "2025-01-01T00:00:00.000Z";
const createdSeconds = Date.parse(modifiedAt) / 1000;

function describeModel(name: string, embeddingDimensions: number) {
  const embedding = name.includes("embed");
  const family = embedding ? "nomic-bert" : "llama";
  const parameterSize = embedding ? "137M" : name.includes("large") ? "8.0B" : "1.2B";
  const details = {
    parent_model: "",
    format: "gguf",
    family,
    families: [family],
    parameter_size: parameterSize,
    quantization_level: embedding ? "F16" : "Q4_K_M",
  };
  const modelInfo = {
    "general.architecture": family,
    "general.parameter_count": embedding ? 136_727_040 : name.includes("large") ? 8_030_261_248 : 1_235_814_400,
    [`${family}.context_length`]: embedding ? 2048 : 8192,
    [`${family}.embedding_length`]: embedding ? embeddingDimensions : 2048,
  };
  const digest = createHash("sha256").update(name).digest("hex");
  return {
    embedding,
    tag: {
      name,
      model: name,
      modified_at: modifiedAt,
      size: embedding ? 274_302_450 : name.includes("large") ? 4_920_753_328 : 807_694_464,
      digest,
      details,
    },
    show: {
      license: "Scripted model for tests.",
      modelfile: `FROM ${name}`,
      parameters: embedding ? "" : 'stop "<|eot_id|>"',
      template: embedding ? "{{ .Prompt }}" : "{{ .System }}\n{{ .Prompt }}",
      details,
      model_info: modelInfo,
      capabilities: embedding ? ["embedding"] : ["completion", "tools"],
      modified_at: modifiedAt,
    },
  };
}

export function createModelCatalog(names: readonly string[], embeddingDimensions: number): ModelCatalog {
  const described = new Map(names.map((name) => [name, describeModel(name, embeddingDimensions)]));
  const openAiModels = new Map(
    names.map((name) => [name, { id: name, object: "model", created: createdSeconds, owned_by: "scripted" }]),
  );
  const showBodies = new Map([...described].map(([name, model]) => [name, JSON.stringify(model.show)]));
  const openAiModelBodies = new Map([...openAiModels].map(([name, model]) => [name, JSON.stringify(model)]));
  return {
    names,
    resolve(requested) {
      if (described.has(requested)) return requested;
      if (requested.endsWith(":latest")) {
        const bare = requested.slice(0, -":latest".length);
        if (described.has(bare)) return bare;
      }
      return undefined;
    },
    isEmbeddingModel: (name) => described.get(name)?.embedding ?? false,
    openAiModelsBody: JSON.stringify({ object: "list", data: [...openAiModels.values()] }),
    ollamaTagsBody: JSON.stringify({ models: [...described.values()].map((model) => model.tag) }),
    openAiModelBody: (name) => openAiModelBodies.get(name) ?? "{}",
    ollamaShowBody: (name) => showBodies.get(name) ?? "{}",
  };
}
