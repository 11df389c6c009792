import { describe, expect, it } from "vitest";
import { chain, edge, node, rawDocument, type RawNode } from "../testing/test-documents.ts";
import { end, iterationDocument, list, only, problemsOf, start, template, withCode, workflow } from "../testing/validation-test-helpers.ts";
import type { WorkflowProblem } from "./workflow-problem.ts";

describe("validateWorkflow", () => {
  describe("invalid_document", () => {
    it("reports input that is not an object", () => {
      for (const input of [null, "workflow", 42, [], true]) {
        const problem = only(problemsOf(input), "invalid_document");
        expect(problem.path).toEqual([]);
        expect(problem.nodeId).toBeUndefined();
        expect(problem.message).toMatch(/^Expected object, received /);
      }
      expect(only(problemsOf(undefined), "invalid_document")).toMatchObject({ path: [], message: "Required" });
    });

    it("reports a wrong schemaVersion and says which one is needed", () => {
      const problem = only(problemsOf({ ...workflow(), schemaVersion: 2 }), "invalid_document");
      expect(problem.path).toEqual(["schemaVersion"]);
      expect(problem.message).toBe("schemaVersion must be 1");
    });

    it("reports nodes that are not an array", () => {
      const document = workflow();
      const problem = only(problemsOf({ ...document, graph: { ...document.graph, nodes: { start: start() } } }), "invalid_document");
      expect(problem.path).toEqual(["graph", "nodes"]);
      expect(problem.message).toMatch(/expected array/i);
    });

    it("reports a node id with spaces at the id, naming the allowed characters", () => {
      const problems = problemsOf(workflow([template("bad id")]));
      const problem = withCode(problems, "invalid_document")[0];
      expect(problem).toMatchObject({ nodeId: "bad id", path: ["graph", "nodes", 1, "id"] });
      expect(problem?.message).toBe("node ids may only use letters, digits, '-' and '_'");
    });

    it("reports a bad edge at its index", () => {
      const document = workflow();
      document.graph.edges.push({ id: "", source: "start", target: "end" });
      const problem = only(problemsOf(document), "invalid_document");
      expect(problem.path).toEqual(["graph", "edges", 1, "id"]);
      expect(problem.message).toMatch(/at least 1/);
    });

    it("reports bad settings at the setting", () => {
      const problem = only(problemsOf({ ...workflow(), settings: { maxSteps: 0 } }), "invalid_document");
      expect(problem.path).toEqual(["settings", "maxSteps"]);
      expect(problem.message).toMatch(/greater than or equal to 1/);
    });
  });

  it("unknown_node_type: lists the known types", () => {
    const problem = withCode(problemsOf(workflow([node("mystery", "teleport")])), "unknown_node_type")[0] as WorkflowProblem;
    expect(problem).toMatchObject({ nodeId: "mystery", path: ["type"] });
    expect(problem.message).toContain('Unknown node type "teleport"');
    for (const type of ["start", "end", "answer", "template", "iteration", "probe"]) expect(problem.message).toContain(type);
  });

  it("unknown_node_version: a version newer than supported says to upgrade", () => {
    const problem = withCode(problemsOf(workflow([{ ...template("t"), version: 7 }])), "unknown_node_version")[0] as WorkflowProblem;
    expect(problem).toMatchObject({ nodeId: "t", path: ["version"] });
    expect(problem.message).toBe("Template version 7 is newer than this Tandem supports (1): upgrade Tandem.");
  });

  describe("invalid_config", () => {
    it("points at the field zod rejected", () => {
      const problem = withCode(problemsOf(workflow([template("t", [{ name: "1st", selector: ["start", "query"] }])])), "invalid_config")[0] as WorkflowProblem;
      expect(problem).toMatchObject({ nodeId: "t", path: ["config", "variables", 0, "name"] });
      expect(problem.message).toBe("use letters, digits and '_', not starting with a digit");
    });

    it("points at the field a node's own check rejected", () => {
      const variables = [
        { name: "a", selector: ["start", "query"] },
        { name: "a", selector: ["start", "query"] },
      ];
      const problem = only(problemsOf(workflow([template("t", variables)])), "invalid_config");
      expect(problem).toMatchObject({ nodeId: "t", path: ["config", "variables", 1, "name"] });
      expect(problem.message).toBe('"a" is defined twice');
    });

    it("reports a missing required field", () => {
      const problems = problemsOf(workflow([node("t", "template", {})]));
      const problem = withCode(problems, "invalid_config")[0] as WorkflowProblem;
      expect(problem).toMatchObject({ nodeId: "t", path: ["config", "template"] });
      expect(problem.message).toBe("Required");
    });
  });

  describe("duplicate_node", () => {
    it("reports the second node with an id", () => {
      const document = workflow([template("t")]);
      document.graph.nodes.push(template("t"));
      const problem = withCode(problemsOf(document), "duplicate_node");
      expect(problem).toEqual([{ code: "duplicate_node", nodeId: "t", path: ["id"], message: 'Another node already has the id "t": ids must be unique.' }]);
    });

    it("reports a node inside an iteration that reuses an id of the main graph", () => {
      const iteration = node("loop", "iteration", {
        items: ["list", "value"],
        output: ["t", "output"],
        graph: { nodes: [template("t")], edges: [] },
      });
      const document = rawDocument("workflow", [start(), list(), template("t"), iteration, end()], chain("start", "list", "t", "loop", "end"));
      const problem = only(problemsOf(document), "duplicate_node");
      expect(problem).toMatchObject({ nodeId: "t", path: ["id"] });
      expect(problem.message).toContain("ids must be unique");
    });
  });

  it("reserved_node_id: sys is reserved", () => {
    const document = rawDocument("workflow", [start(), template("sys"), end()], chain("start", "sys", "end"));
    const problem = only(problemsOf(document), "reserved_node_id");
    expect(problem).toMatchObject({ nodeId: "sys", path: ["id"] });
    expect(problem.message).toBe('"sys" is reserved for system variables: rename the node.');
  });

  describe("node_not_allowed", () => {
    it("rejects an Answer node in a workflow", () => {
      const problem = only(problemsOf(workflow([node("reply", "answer", { answer: "hi" })])), "node_not_allowed");
      expect(problem).toMatchObject({ nodeId: "reply", path: ["type"] });
      expect(problem.message).toBe("Answer nodes only work in chatflow apps.");
    });

    it("rejects a Start node inside an iteration", () => {
      const iteration = node("loop", "iteration", {
        items: ["list", "value"],
        output: ["inner_start", "x"],
        graph: { nodes: [node("inner_start", "start", { variables: [{ name: "x", type: "text" }] })], edges: [] },
      });
      const document = rawDocument("workflow", [start(), list(), iteration, end()], chain("start", "list", "loop", "end"));
      const problem = only(problemsOf(document), "node_not_allowed");
      expect(problem).toMatchObject({ nodeId: "inner_start", path: ["type"] });
      expect(problem.message).toBe("Start nodes cannot go inside an Iteration.");
    });
  });

  describe("duplicate_edge", () => {
    it("reports a second edge with the same id", () => {
      const document = workflow([template("t")]);
      document.graph.edges.push(edge("start", "end", undefined, "start-source-t"));
      const problem = only(problemsOf(document), "duplicate_edge");
      expect(problem).toMatchObject({ edgeId: "start-source-t", path: ["graph", "edges", 2] });
      expect(problem.message).toBe('Another edge already has the id "start-source-t".');
    });

    it("reports a second edge between the same nodes through the same handle (default handle spelled out)", () => {
      const document = workflow([template("t")]);
      document.graph.edges.push(edge("start", "t", "source", "again"));
      const problem = only(problemsOf(document), "duplicate_edge");
      expect(problem).toMatchObject({ edgeId: "again", path: ["graph", "edges", 2] });
      expect(problem.message).toContain("remove the duplicate edge");
    });
  });

  it("dangling_edge: names the missing node", () => {
    const document = workflow();
    document.graph.edges.push(edge("start", "ghost"));
    const problem = only(problemsOf(document), "dangling_edge");
    expect(problem).toMatchObject({ edgeId: "start-source-ghost", path: ["graph", "edges", 1] });
    expect(problem.message).toBe('This edge points to "ghost", which is not a node here: remove the edge or restore the node.');
  });

  describe("unknown_handle", () => {
    it("names the handle and lists the node's handles", () => {
      const document = workflow([template("t")]);
      document.graph.edges.push(edge("t", "end", "true"));
      const problem = only(problemsOf(document), "unknown_handle");
      expect(problem).toMatchObject({ nodeId: "t", edgeId: "t-true-end", path: ["graph", "edges", 2] });
      expect(problem.message).toBe('"t" has no "true" branch (it has: source).');
    });

    it("accepts the fail handle only with the branch error strategy", () => {
      const failing = (onError: string) => {
        const document = workflow([template("t")]);
        document.graph.nodes[1] = { ...template("t"), policy: { onError } };
        document.graph.edges.push(edge("t", "end", "fail"));
        return problemsOf(document);
      };
      expect(failing("branch")).toEqual([]);
      expect(only(failing("fail"), "unknown_handle").message).toContain('no "fail" branch');
    });

    it("knows the handles a node's config declares", () => {
      const probe = node("pick", "probe", { handles: ["left", "right"] });
      const document = rawDocument("workflow", [start(), probe, end()], [edge("start", "pick"), edge("pick", "end", "left"), edge("pick", "end", "middle")]);
      expect(only(problemsOf(document), "unknown_handle").message).toContain("(it has: left, right)");
    });
  });

  it("missing_start", () => {
    const problem = only(problemsOf(rawDocument("workflow", [end()], [])), "missing_start");
    expect(problem).toMatchObject({ path: ["graph", "nodes"] });
    expect(problem.nodeId).toBeUndefined();
    expect(problem.message).toBe("Add a Start node: every workflow begins with one.");
  });

  it("multiple_start: reports the extra Start node", () => {
    const document = workflow();
    document.graph.nodes.push(node("start2", "start", {}));
    document.graph.edges.push(edge("start2", "end"));
    const problems = problemsOf(document);
    const problem = withCode(problems, "multiple_start")[0] as WorkflowProblem;
    expect(problem).toMatchObject({ nodeId: "start2", path: [] });
    // Only the first Start is an entry, so the extra one is also unreachable; nothing else is reported.
    expect(problems.map((entry) => entry.code)).toEqual(["multiple_start", "unreachable"]);
    expect(problem.message).toBe("Only one Start node is allowed: remove this one.");
  });

  describe("missing_end", () => {
    it("a workflow needs an End node", () => {
      const problem = only(problemsOf(rawDocument("workflow", [start()], [])), "missing_end");
      expect(problem).toMatchObject({ path: ["graph", "nodes"] });
      expect(problem.message).toBe("Add an End node to return the run's outputs.");
    });

    it("a chatflow needs an Answer node", () => {
      const problem = only(problemsOf(rawDocument("chatflow", [start(), template("t")], chain("start", "t"))), "missing_end");
      expect(problem).toMatchObject({ path: ["graph", "nodes"] });
      expect(problem.message).toBe("Add an Answer node so the chat gets a reply.");
    });
  });

  describe("cycle", () => {
    it("reports A → B → A and names the nodes", () => {
      const document = workflow([template("a"), template("b")], [edge("b", "a")]);
      const problem = only(problemsOf(document), "cycle");
      expect(problem.path).toEqual([]);
      expect(["a", "b"]).toContain(problem.nodeId);
      expect(problem.message).toMatch(/^These nodes form a loop: (a → b → a|b → a → b)\. Loops are only allowed inside an Iteration; remove an edge\.$/);
    });

    it("reports a self-loop at the edge", () => {
      const document = workflow([template("a")], [edge("a", "a")]);
      const problem = only(problemsOf(document), "cycle");
      expect(problem).toMatchObject({ nodeId: "a", edgeId: "a-source-a", path: ["graph", "edges", 2] });
      expect(problem.message).toBe("A node cannot connect to itself.");
    });
  });

  it("unreachable: a node not connected to Start", () => {
    const document = workflow();
    document.graph.nodes.push(template("island"));
    const problem = only(problemsOf(document), "unreachable");
    expect(problem).toMatchObject({ nodeId: "island", path: [] });
    expect(problem.message).toContain("not connected to the Start node");
    expect(problem.message).toContain("connect it or remove it");
  });

  describe("unknown_reference", () => {
    const referencing = (selector: string[], kind: "workflow" | "chatflow" = "workflow", variables?: Record<string, unknown>) => {
      const nodes = [start(), template("t", [{ name: "v", selector }]), kind === "workflow" ? end() : node("reply", "answer", { answer: "ok" })];
      return rawDocument(kind, nodes, chain(...nodes.map((entry) => entry.id)), variables ? { variables } : {});
    };
    const referenceProblem = (document: unknown) => {
      const problem = only(problemsOf(document), "unknown_reference");
      expect(problem).toMatchObject({ nodeId: "t", path: ["config", "variables", 0, "selector"] });
      return problem.message;
    };

    it("to a node that does not exist", () => {
      expect(referenceProblem(referencing(["ghost", "text"]))).toBe('There is no node "ghost" upstream of this one.');
    });

    it("to a node that is not upstream", () => {
      const document = rawDocument(
        "workflow",
        [start(), template("t", [{ name: "v", selector: ["later", "output"] }]), template("later"), end()],
        chain("start", "t", "later", "end"),
      );
      expect(referenceProblem(document)).toBe('"later" does not run before this node, so its output is not available here: connect it upstream.');
    });

    it("to an output the node does not have, listing the ones it has", () => {
      expect(referenceProblem(referencing(["start", "nope"]))).toBe('"start" has no output "nope". It has: query.');
    });

    it("to sys.query in a workflow", () => {
      expect(referenceProblem(referencing(["sys", "query"]))).toBe("sys.query only exists in chatflow apps.");
      expect(problemsOf(referencing(["sys", "query"], "chatflow"))).toEqual([]);
    });

    it("to an unknown system variable, listing the system variables", () => {
      expect(referenceProblem(referencing(["sys", "nope"]))).toMatch(/^sys\.nope does not exist\. System variables: query, .*user_id/);
    });

    it("to an env variable that is not defined", () => {
      expect(referenceProblem(referencing(["env", "API_KEY"]))).toBe("env.API_KEY is not defined: add it to the workflow's variables.");
      expect(problemsOf(referencing(["env", "API_KEY"], "workflow", { API_KEY: "k" }))).toEqual([]);
    });

    it("to inherited Object members as if they were system or env variables", () => {
      for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
        expect(referenceProblem(referencing(["sys", name]))).toContain(`sys.${name} does not exist`);
        expect(referenceProblem(referencing(["env", name]))).toContain(`env.${name} is not defined`);
      }
    });

    it("inside a template text, at the field", () => {
      const document = rawDocument("chatflow", [start(), node("reply", "answer", { answer: "Hi {{#ghost.text#}}" })], chain("start", "reply"));
      const problem = only(problemsOf(document), "unknown_reference");
      expect(problem).toMatchObject({ nodeId: "reply", path: ["config", "answer"] });
    });

    it("to an iteration's item from outside the iteration", () => {
      const document = iterationDocument();
      document.graph.nodes[3] = end([{ name: "item", selector: ["loop", "item"] }]);
      const problem = only(problemsOf(document), "unknown_reference");
      expect(problem).toMatchObject({ nodeId: "end", path: ["config", "outputs", 0, "selector"] });
      expect(problem.message).toBe('"loop" has no output "item". It has: output.');
    });

    it("an iteration output that is not a node inside it", () => {
      const document = iterationDocument();
      const loop = document.graph.nodes[2] as RawNode;
      loop.config = { ...loop.config, output: ["list", "value"] };
      const problem = only(problemsOf(document), "unknown_reference");
      expect(problem).toMatchObject({ nodeId: "loop", path: ["config", "output"] });
      expect(problem.message).toBe("The iteration's output must be an output of a node inside it.");
    });
  });

  it("type_mismatch: an iteration over a number", () => {
    const document = iterationDocument();
    const loop = document.graph.nodes[2] as RawNode;
    document.graph.nodes[0] = node("start", "start", { variables: [{ name: "count", type: "number" }] });
    loop.config = { ...loop.config, items: ["start", "count"] };
    const body = (loop.config as { graph: { nodes: RawNode[] } }).graph.nodes;
    body[0] = template("inner", [{ name: "item", selector: ["loop", "item"] }]);
    const problem = only(problemsOf(document), "type_mismatch");
    expect(problem).toMatchObject({ nodeId: "loop", path: ["config", "items"] });
    expect(problem.message).toBe("start.count is number, but this field needs array.");
  });

  it("reports a rejected node once: its edges, what follows it and references to it are not reported again", () => {
    const broken = node("t", "template", {});
    const unknown = node("u", "no-such-type", {});
    const document = rawDocument(
      "workflow",
      [start(), broken, unknown, node("end", "end", { outputs: [{ name: "a", selector: ["t", "output"] }, { name: "b", selector: ["u", "x"] }] })],
      chain("start", "t", "u", "end"),
    );
    const problems = problemsOf(document);
    expect(problems.map((problem) => `${problem.code}:${problem.nodeId ?? ""}`)).toEqual(["invalid_config:t", "unknown_node_type:u"]);
  });
});
