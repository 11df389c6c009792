import { describe, expect, it } from "vitest";
import { chain, edge, node, rawDocument, type RawDocument } from "../testing/test-documents.ts";
import { createTestCatalog } from "../testing/test-nodes.ts";
import { validateWorkflow } from "./validate-workflow.ts";

/**
 * Random mutations of valid documents: validateWorkflow must never throw, must keep `ok` and `problems`
 * consistent, and must stay fast. The seed is printed; rerun a failure with FUZZ_SEED=<seed>.
 */
const CASES = 2000;
const MAX_CALL_MS = 50;
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : Math.floor(Math.random() * 2 ** 32);

/** mulberry32: small, fast, good enough to pick mutations. */
function createRandom(initial: number) {
  let state = initial >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  /** One of `items`, which must not be empty. */
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  /** One of `items`, or undefined when there are none. */
  const maybePick = <T>(items: readonly T[]): T | undefined => items[int(items.length)];
  return { next, int, pick, maybePick };
}
type Random = ReturnType<typeof createRandom>;

const { registry } = createTestCatalog();

function bases(): RawDocument[] {
  const start = node("start", "start", {
    variables: [
      { name: "query", type: "text", required: true },
      { name: "count", type: "number" },
      { name: "mode", type: "select", options: ["a", "b"] },
    ],
  });
  const linear = rawDocument(
    "workflow",
    [
      start,
      node("t", "template", { variables: [{ name: "q", selector: ["start", "query"] }], template: "Q: {{ q }}" }, { policy: { retry: { attempts: 2 }, onError: "branch" } }),
      node("fallback", "template", { template: "failed" }),
      node("end", "end", { outputs: [{ name: "out", selector: ["t", "output"] }] }),
    ],
    [...chain("start", "t", "end"), edge("t", "fallback", "fail"), edge("fallback", "end")],
    { variables: { API_KEY: "k" } },
  );
  const chat = rawDocument(
    "chatflow",
    [
      start,
      node("pick", "probe", { handles: ["left", "right"], inputs: { q: ["sys", "query"] } }),
      node("l", "template", { variables: [{ name: "q", selector: ["pick", "q"] }], template: "L {{ q }}" }),
      node("r", "template", { variables: [{ name: "k", selector: ["env", "API_KEY"] }], template: "R" }),
      node("reply", "answer", { answer: "{{#l.output#}}{{#r.output#}} {{#sys.query#}}" }),
    ],
    [edge("start", "pick"), edge("pick", "l", "left"), edge("pick", "r", "right"), edge("l", "reply"), edge("r", "reply")],
    { variables: { API_KEY: "k" } },
  );
  const inner = node("inner", "template", {
    variables: [
      { name: "item", selector: ["outer", "item"] },
      { name: "index", selector: ["outer", "index"] },
      { name: "q", selector: ["start", "query"] },
    ],
    template: "{{ index }} {{ item }} {{ q }}",
  });
  const nested = node("nested", "iteration", {
    items: ["list", "value"],
    output: ["deep", "output"],
    graph: { nodes: [node("deep", "template", { variables: [{ name: "i", selector: ["nested", "item"] }], template: "{{ i }}" })], edges: [] },
  });
  const iteration = rawDocument(
    "workflow",
    [
      start,
      node("list", "probe", { value: [1, 2, 3] }),
      node("outer", "iteration", {
        items: ["list", "value"],
        parallelism: 2,
        errorMode: "continue",
        output: ["inner", "output"],
        graph: { nodes: [inner, nested], edges: [edge("inner", "nested")] },
      }),
      node("files", "iteration", { items: ["sys", "files"], output: ["f", "output"], graph: { nodes: [node("f", "template", { template: "x" })] } }),
      node("end", "end", {
        outputs: [
          { name: "out", selector: ["outer", "output"] },
          { name: "files", selector: ["files", "output"] },
        ],
      }),
    ],
    chain("start", "list", "outer", "files", "end"),
  );
  return [linear, chat, iteration];
}

const HUGE = "x".repeat(100_000);
const HUGE_REFERENCES = "{{#start.query#}}".repeat(6_000);

function deepArray(depth: number): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
}

function deepObject(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let level = 0; level < depth; level += 1) value = { nested: value, config: value === null ? null : {} };
  return value;
}

function withOwnKey(key: string, value: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
  return object;
}

function weirdValue(random: Random): unknown {
  const values: Array<() => unknown> = [
    () => 0,
    () => -1,
    () => 1.5,
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => 1e308,
    () => null,
    () => undefined,
    () => true,
    () => false,
    () => [],
    () => ({}),
    () => "",
    () => HUGE,
    () => HUGE_REFERENCES,
    () => "😀👩‍👩‍👧‍👦🏳️‍🌈",
    () => "\u202Eעברית مرحبا\u202C",
    () => "\uD800",
    () => "\uDFFFlone\uD800",
    () => "a\u0000b",
    () => "__proto__",
    () => "constructor",
    () => "prototype",
    () => "sys",
    () => "start",
    () => ["sys", "constructor"],
    () => ["env", "__proto__"],
    () => ["sys", "hasOwnProperty"],
    () => ["start"],
    () => ["start", "query", "deep", "path"],
    () => ["start", 1],
    () => [null, "x"],
    () => JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown,
    () => withOwnKey("constructor", { prototype: { polluted: true } }),
    () => withOwnKey("__proto__", []),
    () => Object.create(null) as unknown,
    () => deepArray(random.pick([10, 100, 2_000])),
    () => deepObject(random.pick([10, 100, 1_000])),
    () => Array.from({ length: random.pick([10, 1_001]) }, (_, index) => ({ id: `n${index}`, source: "start", target: "end" })),
    () => Symbol("nope"),
    () => 10n,
    () => () => "function",
    () => new Date(0),
    () => new Map([["a", 1]]),
  ];
  return random.pick(values)();
}

type Container = Record<string, unknown> | unknown[];

/** A deep copy that keeps own "__proto__"/"constructor" keys and passes symbols, functions and class instances through. */
function clone<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== "object" || depth > 5_000) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => clone(item, depth + 1)) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: clone(item, depth + 1), enumerable: true, configurable: true, writable: true });
  }
  return copy as T;
}

/** Every object or array in the tree with the path to it (bounded, skipping huge arrays' tails). */
function containers(root: unknown): Container[] {
  const found: Container[] = [];
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length > 0 && found.length < 2_000) {
    const value = stack.pop();
    if (value === null || typeof value !== "object" || seen.has(value)) continue;
    seen.add(value);
    found.push(value as Container);
    const children = Array.isArray(value) ? value.slice(0, 50) : Object.values(value).slice(0, 50);
    for (const child of children) stack.push(child);
  }
  return found;
}

function keysOf(container: Container): Array<string | number> {
  return Array.isArray(container) ? container.map((_, index) => index) : Object.keys(container);
}

/** All node lists in the document: the main graph's and every iteration body's. */
function nodeLists(document: unknown): unknown[][] {
  return containers(document)
    .filter((container): container is Record<string, unknown> => !Array.isArray(container) && Array.isArray(container.nodes))
    .map((graph) => graph.nodes as unknown[]);
}

function edgeLists(document: unknown): unknown[][] {
  return containers(document)
    .filter((container): container is Record<string, unknown> => !Array.isArray(container) && Array.isArray(container.edges))
    .map((graph) => graph.edges as unknown[]);
}

function nodeIds(document: unknown): string[] {
  return nodeLists(document)
    .flat()
    .map((entry) => (entry !== null && typeof entry === "object" ? (entry as { id?: unknown }).id : undefined))
    .filter((id): id is string => typeof id === "string");
}

type Mutation = (document: RawDocument, random: Random) => string;

const mutations: Mutation[] = [
  function deleteField(document, random) {
    const container = random.maybePick(containers(document));
    const keys = container ? keysOf(container) : [];
    if (!container || keys.length === 0) return "delete (nothing)";
    const key = random.pick(keys);
    if (Array.isArray(container)) container.splice(key as number, 1);
    else delete container[key as string];
    return `delete ${String(key)}`;
  },
  function replaceValue(document, random) {
    const container = random.maybePick(containers(document));
    const keys = container ? keysOf(container) : [];
    if (!container || keys.length === 0) return "replace (nothing)";
    const key = random.pick(keys);
    const value = weirdValue(random);
    (container as Record<string | number, unknown>)[key] = value;
    return `replace ${String(key)} with ${describeValue(value)}`;
  },
  function addOwnKey(document, random) {
    const objects = containers(document).filter((container) => !Array.isArray(container));
    const target = random.maybePick(objects) as Record<string, unknown> | undefined;
    if (!target) return "own key (nothing)";
    const key = random.pick(["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "😀", "\uD800"]);
    Object.defineProperty(target, key, { value: weirdValue(random), enumerable: true, configurable: true, writable: true });
    return `own key ${JSON.stringify(key)}`;
  },
  function randomEdges(document, random) {
    const ids = [...nodeIds(document), "ghost", "sys", "", "start"];
    const lists = edgeLists(document);
    if (lists.length === 0) return "edges (nothing)";
    const count = 1 + random.int(5);
    for (let index = 0; index < count; index += 1) {
      const list = random.pick(lists);
      list.push({
        id: random.next() < 0.2 ? "start-source-t" : `fuzz-${index}-${random.int(1_000)}`,
        source: random.pick(ids),
        target: random.pick(ids),
        ...(random.next() < 0.3 ? { sourceHandle: random.pick(["source", "fail", "left", "right", "true", ""]) } : {}),
      });
    }
    return `add ${count} edges`;
  },
  function duplicateNodes(document, random) {
    const lists = nodeLists(document);
    const list = random.maybePick(lists);
    if (!list || list.length === 0) return "duplicate (nothing)";
    const copies = random.pick([1, 1, 2, 20, 100]);
    // Snapshot first: a copy may land inside the original's own body.
    const original = clone(random.pick(list));
    for (let index = 0; index < copies; index += 1) {
      const copy = clone(original);
      if (copy !== null && typeof copy === "object" && !Array.isArray(copy) && random.next() < 0.5) {
        const entry = copy as Record<string, unknown>;
        entry.id = `${typeof entry.id === "string" ? entry.id : "node"}_${index}`;
      }
      random.pick(lists).push(copy);
    }
    return `duplicate ×${copies}`;
  },
  function nestIterations(document, random) {
    const depth = random.pick([2, 10, 40]);
    let body: Record<string, unknown> = node("leaf", "template", { variables: [{ name: "x", selector: [`it${depth - 1}`, "item"] }], template: "{{ x }}" }) as unknown as Record<string, unknown>;
    for (let level = depth - 1; level >= 0; level -= 1) {
      const items = level === 0 ? ["start", "query"] : [`it${level - 1}`, "item"];
      const output = level === depth - 1 ? ["leaf", "output"] : [`it${level + 1}`, "output"];
      body = node(`it${level}`, "iteration", { items, output, graph: { nodes: [body], edges: [] } }) as unknown as Record<string, unknown>;
    }
    const nodes = nodeLists(document)[0];
    if (!nodes) return "nest (nothing)";
    nodes.push(body);
    edgeLists(document)[0]?.push(edge("start", "it0"));
    return `nest ${depth} iterations`;
  },
  function changeType(document, random) {
    const list = random.maybePick(nodeLists(document)) ?? [];
    const target = random.maybePick(list) as Record<string, unknown> | undefined;
    if (!target || typeof target !== "object") return "type (nothing)";
    target.type = random.pick(["start", "end", "answer", "template", "iteration", "probe", "probe_impure", "constructor", "__proto__", "toString", "", "x".repeat(65)]);
    return `type ${String(target.type)}`;
  },
  function changeVersion(document, random) {
    const list = random.maybePick(nodeLists(document)) ?? [];
    const target = random.maybePick(list) as Record<string, unknown> | undefined;
    if (!target || typeof target !== "object") return "version (nothing)";
    target.version = random.pick([0, 2, 99, -1, 1.5, "1", null]);
    return `version ${String(target.version)}`;
  },
];

function describeValue(value: unknown): string {
  if (typeof value === "string") return value.length > 40 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === "symbol" || typeof value === "bigint" || typeof value === "function") return typeof value;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value !== null && typeof value === "object") return `object(${Object.keys(value).slice(0, 3).join(",")})`;
  return String(value);
}

/**
 * Time one validation. A call over half the bound is measured again (up to 3 more times, keeping the
 * fastest), so a garbage-collection pause or the JIT compiling a new path does not count as the
 * validator's own cost; a document that is really slow is slow every time.
 */
function timeValidation(document: unknown): { result: ReturnType<typeof validateWorkflow>; ms: number } {
  let startedAt = performance.now();
  const result = validateWorkflow(document, { registry });
  let ms = performance.now() - startedAt;
  for (let retry = 0; retry < 3 && ms >= MAX_CALL_MS / 2; retry += 1) {
    startedAt = performance.now();
    validateWorkflow(document, { registry });
    ms = Math.min(ms, performance.now() - startedAt);
  }
  return { result, ms };
}

describe(`validateWorkflow fuzz (seed ${seed}, FUZZ_SEED=${seed} to reproduce)`, () => {
  it("the base documents are valid", () => {
    for (const base of bases()) expect(validateWorkflow(base, { registry }).problems).toEqual([]);
  });

  it(`survives ${CASES} random mutations: never throws, ok agrees with problems, each call under ${MAX_CALL_MS} ms`, () => {
    console.log(`validateWorkflow fuzz seed: ${seed} (rerun with FUZZ_SEED=${seed})`);
    const random = createRandom(seed);
    const documents = bases();
    // Warm up (the first calls pay for the JIT), unmeasured.
    for (let round = 0; round < 5; round += 1) for (const document of documents) validateWorkflow(document, { registry });
    let maxMs = 0;
    let slowest = "";
    let valid = 0;
    const codes = new Set<string>();
    for (let index = 0; index < CASES; index += 1) {
      const document = clone(random.pick(documents));
      const steps: string[] = [];
      const count = 1 + random.int(4);
      for (let step = 0; step < count; step += 1) steps.push(random.pick(mutations)(document, random));
      const label = `seed ${seed}, case ${index}: ${steps.join("; ")}`;
      let measured: ReturnType<typeof timeValidation>;
      try {
        measured = timeValidation(document);
      } catch (error) {
        throw new Error(`validateWorkflow threw (${label}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      const { result, ms } = measured;
      if (ms > maxMs) {
        maxMs = ms;
        slowest = label;
      }
      expect(typeof result.ok, label).toBe("boolean");
      expect(Array.isArray(result.problems), label).toBe(true);
      expect(result.ok, label).toBe(result.problems.length === 0);
      if (result.ok) {
        valid += 1;
        expect(result.document, label).toBeDefined();
      }
      for (const problem of result.problems) {
        codes.add(problem.code);
        expect(problem.code, `${label}: ${problem.message}`).not.toBe("internal");
        expect(Array.isArray(problem.path), label).toBe(true);
        expect(typeof problem.message, label).toBe("string");
        expect(problem.message.length, label).toBeGreaterThan(0);
      }
    }
    console.log(`fuzz: ${valid}/${CASES} still valid, slowest ${maxMs.toFixed(1)} ms (${slowest}), codes seen: ${[...codes].sort().join(", ")}`);
    expect(codes.size, "the mutations should reach many kinds of problem").toBeGreaterThanOrEqual(12);
    expect(maxMs, `slowest call: ${slowest}`).toBeLessThan(MAX_CALL_MS);
  });
});
