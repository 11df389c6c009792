import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: this file is packages/local-models/src/testing/. */
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

/** The real 260K-parameter llama model from shared data (no chat template, 512-token vocabulary). */
export const storiesModelPath = path.join(repositoryRoot, "../shared/data/models/stories260K.gguf");

export interface TemporaryModelsDir {
  path: string;
  remove(): Promise<void>;
}

/** A temporary models folder with `stories260K.gguf` linked under each of `ids` (`<id>.gguf`). */
export async function createModelsDir(ids: string[] = ["stories260K"]): Promise<TemporaryModelsDir> {
  const folder = await mkdtemp(path.join(tmpdir(), "tandem-local-models-"));
  for (const id of ids) await symlink(storiesModelPath, path.join(folder, `${id}.gguf`));
  return { path: folder, remove: () => rm(folder, { recursive: true, force: true }) };
}
