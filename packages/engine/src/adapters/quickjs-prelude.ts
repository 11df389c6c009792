/** Longest console.log line kept, in characters. */
export const MAX_LOG_LINE_CHARS = 2_000;
/** Largest result main may return, as JSON text in characters. */
export const MAX_RESULT_CHARS = 16 * 1024 * 1024;

/**
 * Runs inside the sandbox before the user's code. It captures JSON.parse and JSON.stringify before the
 * code can replace them, builds `console` around the one host function (`emit`, which receives text
 * only), and turns main's result into JSON text, refusing what JSON would silently drop or mangle.
 * Formatting happens in here, under the sandbox's memory and time limits, not on the host.
 * Evaluated as an expression, so it defines no globals of its own.
 */
export const QUICKJS_PRELUDE = `(function (emit) {
  "use strict";
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const format = function (value) {
    if (typeof value === "string") return value;
    if (value instanceof Error) return String(value);
    if (typeof value === "function") return "[Function " + (value.name || "anonymous") + "]";
    try {
      const text = stringify(value);
      return text === undefined ? String(value) : text;
    } catch (error) {
      return String(value);
    }
  };
  const log = function () {
    const parts = [];
    for (let index = 0; index < arguments.length; index += 1) parts.push(format(arguments[index]));
    const line = parts.join(" ");
    emit(line.length > ${MAX_LOG_LINE_CHARS} ? line.slice(0, ${MAX_LOG_LINE_CHARS}) + "…" : line);
  };
  const describe = function (key) {
    return key === "" ? "main's result" : "the value at \\"" + key + "\\"";
  };
  return {
    console: Object.freeze({ log: log, info: log, warn: log, error: log, debug: log }),
    parse: function (text) {
      return parse(text);
    },
    serialize: function (value) {
      if (value === undefined) throw new TypeError("main returned undefined; return an object such as { result: ... }");
      const text = stringify(value, function (key, item) {
        const kind = typeof item;
        if (kind === "function" || kind === "symbol") throw new TypeError(describe(key) + " is a " + kind + ", which is not a JSON value");
        if (kind === "bigint") throw new TypeError(describe(key) + " is a BigInt; convert it with Number() or String()");
        return item;
      });
      if (text.length > ${MAX_RESULT_CHARS}) throw new RangeError("main's result is larger than ${MAX_RESULT_CHARS / (1024 * 1024)} MiB of JSON");
      return text;
    },
  };
})`;
