export { createPublishedApi, type PublishedApiOptions, type PublishedApiHandler } from "./published-api.ts";
export type { PublishedApiServices } from "./api-request.ts";
export { answerStreamNodes, answerText } from "./answer-stream.ts";
