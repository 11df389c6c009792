/** OpenAI's error envelope: what its SDKs parse into APIError. */
export function openAiError(status: number, code: string, message: string) {
  const type = status === 401 ? "authentication_error" : status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message, type, param: null, code } };
}
