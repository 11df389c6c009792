import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

/** The same shapes built directly in LangGraph from plain functions: the floor Tandem is compared with. */
const State = Annotation.Root({
  values: Annotation<Record<string, string>>({ reducer: (left, right) => ({ ...left, ...right }), default: () => ({}) }),
});

export function rawChain(length = 50) {
  // The builder's node names are typed as literals; a loop-built graph has to widen them.
  const graph = new StateGraph(State) as unknown as StateGraph<typeof State.spec, typeof State.State, typeof State.Update, string>;
  for (let index = 0; index < length; index += 1) {
    graph.addNode(`t${index}`, (state: typeof State.State) => ({ values: { [`t${index}`]: index === 0 ? (state.values.seed ?? "") : (state.values[`t${index - 1}`] ?? "") } }));
  }
  graph.addEdge(START, "t0");
  for (let index = 1; index < length; index += 1) graph.addEdge(`t${index - 1}`, `t${index}`);
  graph.addEdge(`t${length - 1}`, END);
  return graph.compile();
}

export function rawFan(width = 20) {
  const graph = new StateGraph(State) as unknown as StateGraph<typeof State.spec, typeof State.State, typeof State.Update, string>;
  for (let index = 0; index < width; index += 1) {
    graph.addNode(`b${index}`, (state: typeof State.State) => ({ values: { [`b${index}`]: `${state.values.seed ?? ""}-${index}` } }));
    graph.addEdge(START, `b${index}`);
  }
  graph.addNode("join", (state: typeof State.State) => ({ values: { join: state.values.b0 ?? "" } }));
  graph.addEdge(Array.from({ length: width }, (_, index) => `b${index}`), "join");
  graph.addEdge("join", END);
  return graph.compile();
}
