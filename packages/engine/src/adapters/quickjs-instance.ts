import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC, type QuickJSWASMModule } from "quickjs-emscripten";

/**
 * The slice of the WebAssembly API used here. The engine compiles against lib ES2023 without DOM and
 * @types/node 20 does not declare WebAssembly, so it is declared locally; at run time it is the global.
 */
interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
};

const PAGE_BYTES = 64 * 1024;
/** What the WASM instance needs besides the script's heap: its static data, C stack and runtime. */
const INSTANCE_OVERHEAD_BYTES = 16 * 1024 * 1024;
/** The WASM module declares this as its initial memory (16 MiB); an imported memory may not start smaller. */
const INITIAL_PAGES = 256;
/** wasm32 as built by quickjs-emscripten: 2 GiB. */
const MAX_PAGES = 32_768;

let compiled: Promise<WasmModule> | undefined;

/**
 * A fresh QuickJS WebAssembly instance whose linear memory cannot grow past `memoryBytes` plus a fixed
 * overhead. This, not `runtime.setMemoryLimit`, is the real memory cap: the prebuilt QuickJS cannot
 * measure block sizes under Emscripten (no malloc_usable_size), so its limit only refuses single
 * allocations larger than the limit, and a loop of small ones would grow the shared module's memory to
 * 2 GiB, which WebAssembly never gives back (quickjs-emscripten issues #255, #271). A fresh instance per
 * run also returns all memory after the run and shares no state between runs. The module is compiled
 * once; instantiating it takes a few milliseconds.
 */
export async function newIsolatedQuickJS(memoryBytes: number): Promise<IsolatedQuickJS> {
  compiled ??= compileModule();
  const wasmModule = await compiled;
  const maximum = Math.min(MAX_PAGES, Math.max(INITIAL_PAGES, Math.ceil((memoryBytes + INSTANCE_OVERHEAD_BYTES) / PAGE_BYTES)));
  const wasmMemory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum });
  // quickjs-emscripten types the memory with its own structural type; under the DOM typings (the web
  // app's typecheck) WebAssembly.Memory looks different, though it is the same object at run time.
  const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmModule, wasmMemory: wasmMemory as never }));
  return { quickjs, memoryBytesInUse: () => wasmMemory.buffer.byteLength };
}

export interface IsolatedQuickJS {
  quickjs: QuickJSWASMModule;
  /** Size of the instance's linear memory: how far the script's heap has grown. */
  memoryBytesInUse: () => number;
}

async function compileModule(): Promise<WasmModule> {
  // Resolved from quickjs-emscripten, which depends on the variant, so this works without hoisting too.
  const fromQuickJs = createRequire(createRequire(import.meta.url).resolve("quickjs-emscripten"));
  const path = fromQuickJs.resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
  try {
    return await WebAssembly.compile(await readFile(path));
  } catch (error) {
    compiled = undefined;
    throw error;
  }
}
