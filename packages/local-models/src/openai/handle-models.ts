import { LocalModelError } from "../local-model-error.ts";
import type { LocalModelInfo, LocalModelRuntime } from "../local-model-runtime.ts";
import { jsonResponse, type OpenAiHttpResponse } from "./openai-response.ts";

/** `GET /v1/models` and `GET /v1/models/{id}`: the GGUF files of the models folder. */
export async function handleModels(runtime: LocalModelRuntime, id?: string): Promise<OpenAiHttpResponse> {
  const models = await runtime.listModels();
  if (id === undefined) return jsonResponse(200, { object: "list", data: models.map(toOpenAiModel) });
  const model = models.find((candidate) => candidate.id === id);
  if (model === undefined) {
    throw new LocalModelError("model_not_found", `Model "${id}" not found in ${runtime.modelsDir}.`);
  }
  return jsonResponse(200, toOpenAiModel(model));
}

function toOpenAiModel(model: LocalModelInfo): Record<string, unknown> {
  return {
    id: model.id,
    object: "model",
    created: Math.floor(model.modifiedAt.getTime() / 1000),
    owned_by: "local",
  };
}
