import { describe } from "vitest";
import { defineRateLimiterContract } from "./rate-limiter.contract.ts";
import { createInProcessRateLimiter } from "./rate-limiter.ts";

describe("in-process rate limiter", () => {
  defineRateLimiterContract((now) => createInProcessRateLimiter({ now }));
});
