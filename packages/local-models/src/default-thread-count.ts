import { availableParallelism } from "node:os";

/**
 * Threads for llama.cpp contexts. On machines with two cores or fewer one thread is far faster: with
 * llama.cpp's default there, threads contend with Node's own and generation slows by orders of
 * magnitude (measured about 1,000 times on the project's 2-core machines). Elsewhere, leave one core
 * to Node and the rest of the server.
 */
export function defaultThreadCount(cores: number = availableParallelism()): number {
  if (cores <= 2) return 1;
  return cores - 1;
}
