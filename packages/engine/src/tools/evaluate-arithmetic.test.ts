import { describe, expect, it } from "vitest";
import { currentTime } from "./current-time.ts";
import { evaluateArithmetic } from "./evaluate-arithmetic.ts";

describe("evaluateArithmetic", () => {
  it("follows precedence, associativity and unary minus", () => {
    expect(evaluateArithmetic("2 + 3 * 4")).toBe(14);
    expect(evaluateArithmetic("(2 + 3) * 4")).toBe(20);
    expect(evaluateArithmetic("10 - 4 - 3")).toBe(3);
    expect(evaluateArithmetic("2 ^ 3 ^ 2")).toBe(512);
    expect(evaluateArithmetic("2 ** 10")).toBe(1024);
    expect(evaluateArithmetic("-2 ^ 2")).toBe(-4);
    expect(evaluateArithmetic("2 ^ -1")).toBe(0.5);
    expect(evaluateArithmetic("--3")).toBe(3);
    expect(evaluateArithmetic("17 % 5")).toBe(2);
    expect(evaluateArithmetic("1.5e3 / .5")).toBe(3000);
    expect(evaluateArithmetic("6 × 7 ÷ 2")).toBe(21);
  });

  it("knows its functions and constants", () => {
    expect(evaluateArithmetic("sqrt(16) + abs(-2) + round(2.5) + min(3, 1, 2) + max(1, 9)")).toBe(4 + 2 + 3 + 1 + 9);
    expect(evaluateArithmetic("round(3.14159, 2)")).toBe(3.14);
    expect(evaluateArithmetic("log(exp(2))")).toBeCloseTo(2);
    expect(evaluateArithmetic("log(1000, 10)")).toBeCloseTo(3);
    expect(evaluateArithmetic("sin(pi / 2) + cos(0)")).toBeCloseTo(2);
    expect(evaluateArithmetic("2 * e")).toBeCloseTo(2 * Math.E);
  });

  it("rejects anything that is not arithmetic, with a message a model can act on", () => {
    expect(() => evaluateArithmetic("1 / 0")).toThrow("Division by zero.");
    expect(() => evaluateArithmetic("2 +")).toThrow("ends too early");
    expect(() => evaluateArithmetic("(1 + 2")).toThrow('Expected ")"');
    expect(() => evaluateArithmetic("1 2")).toThrow("after a complete expression");
    expect(() => evaluateArithmetic("process + 1")).toThrow('Unknown name "process"');
    expect(() => evaluateArithmetic("process.exit(1)")).toThrow('Unexpected ".exit(1)"');
    expect(() => evaluateArithmetic("constructor")).toThrow("Unknown name");
    expect(() => evaluateArithmetic("sqrt(1, 2)")).toThrow("sqrt takes 1 argument, not 2");
    expect(() => evaluateArithmetic("'a' + 1")).toThrow("Unexpected");
    expect(() => evaluateArithmetic("sqrt(-1)")).toThrow("not a finite number");
    expect(() => evaluateArithmetic("(".repeat(500) + "1" + ")".repeat(500))).toThrow("nested too deeply");
    expect(() => evaluateArithmetic("")).toThrow("empty");
  });
});

describe("currentTime", () => {
  it("spells out the date, weekday and offset in the time zone asked for", () => {
    const instant = new Date("2025-01-15T12:30:05Z");
    expect(currentTime(undefined, instant)).toBe("2025-01-15 12:30:05 (Wednesday, UTC, UTC+00:00)");
    expect(currentTime("Asia/Tokyo", instant)).toBe("2025-01-15 21:30:05 (Wednesday, Asia/Tokyo, UTC+09:00)");
    expect(() => currentTime("Mars/Olympus", instant)).toThrow('Unknown time zone "Mars/Olympus"');
  });
});
