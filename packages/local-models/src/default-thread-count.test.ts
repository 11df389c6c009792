import { describe, expect, it } from "vitest";
import { defaultThreadCount } from "./default-thread-count.ts";

describe("defaultThreadCount", () => {
  it("uses one thread on machines with two cores or fewer", () => {
    expect(defaultThreadCount(1)).toBe(1);
    expect(defaultThreadCount(2)).toBe(1);
  });

  it("leaves one core free on larger machines", () => {
    expect(defaultThreadCount(4)).toBe(3);
    expect(defaultThreadCount(16)).toBe(15);
  });
});
