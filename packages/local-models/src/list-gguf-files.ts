import { readdir, stat } from "node:fs/promises";
import path from "node:path";

export interface GgufFile {
  /** File name without `.gguf`: the model's id. */
  id: string;
  path: string;
  sizeBytes: number;
  modifiedAt: Date;
}

const ggufSuffix = ".gguf";

/** GGUF files directly in `folder` (symlinks followed), sorted by id. A missing folder has none. */
export async function listGgufFiles(folder: string): Promise<GgufFile[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if (isMissingFolder(error)) return [];
    throw error;
  }
  const files: GgufFile[] = [];
  for (const name of names) {
    if (!name.toLowerCase().endsWith(ggufSuffix)) continue;
    const filePath = path.join(folder, name);
    try {
      const info = await stat(filePath);
      if (!info.isFile()) continue;
      files.push({ id: name.slice(0, -ggufSuffix.length), path: filePath, sizeBytes: info.size, modifiedAt: info.mtime });
    } catch {
      // A dangling symlink or a file removed while listing: not a usable model.
    }
  }
  return files.sort((left, right) => left.id.localeCompare(right.id));
}

function isMissingFolder(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT";
}
