// numpy's compiled modules in a Python snapshot: what Pyodide 0.27's snapshots leave out.
//
// A snapshot taken once numpy is imported holds numpy's objects and static data, and function
// pointers into numpy's compiled modules (WebAssembly side modules that Emscripten's loader
// instantiated at a memory base it allocated and placed in the function table from a table base
// on). Pyodide 0.27 only restores snapshots taken before any package loads, so this module does
// the rest, with the handle argument of Emscripten's loadDynamicLibrary, which exists so that
// threads can load one library at the same places:
// - while the snapshot's visit loads packages, every library load gets a handle (a block of
//   Python's memory; recordLibraries) in which Emscripten notes the bases it chose. The paths,
//   handles and bytes are kept with the snapshot (describeLibraries), with a digest of how they
//   are linked.
// - a restore loads each library again, in the same order, with its handle (reloadLibraries):
//   Emscripten then reuses those bases instead of allocating. Instantiating reruns each
//   library's data segments and constructors over memory that held their result, so each
//   library's memory is copied back from the snapshot. Last, the linking must match its digest:
//   otherwise Python's function pointers could reach other functions, so the restore is refused
//   (the worker then starts Python in full).

import { sha256Hex } from "./boot-fetch.js";

// The head of Emscripten's `struct dso` (emscripten/system/lib/libc/dynlink.c) that its loader
// reads and writes: at 8 a "memory allocated" flag, then memory base and size, table base and
// size (12-24), and the address and size of bytes to load from (28-32; zero here: the bytes come
// from `fs`).
const HANDLE_BYTES = 64;
const HANDLE = { allocated: 8, memoryBase: 12, memorySize: 16 };

/** A digest of how Python's libraries are linked: the function in every slot of the function
 * table (its index in its own module, the name a WebAssembly function gets) and the value of
 * every symbol in the global offset table (GOT: the data addresses and table slots one module
 * finds another's symbols at). The snapshot's key pins the modules' bytes and this module their
 * order, so two equal digests mean the same pointers reach the same functions and data. */
async function linkDigest(module) {
  const table = module.wasmTable;
  const parts = new Array(table.length);
  for (let slot = 0; slot < table.length; slot++) {
    const fn = table.get(slot);
    parts[slot] = fn ? fn.name : "";
  }
  for (const name of Object.keys(module.GOT).sort()) parts.push(`${name}=${module.GOT[name].value}`);
  return sha256Hex(new TextEncoder().encode(parts.join(",")));
}

/**
 * Give every library Pyodide loads from now on a handle (see above); `module` is
 * pyodide._module. Returns {stop()}: stop() ends the recording and returns the loads,
 * [{path, handle, global, local}] in order, the table's length before the first, and the
 * names of the libraries loaded before it.
 */
export function recordLibraries(module) {
  const loads = [];
  const tableBefore = module.wasmTable.length;
  const namesBefore = new Set(Object.keys(module.LDSO.loadedLibsByName));
  const load = module.loadDynamicLibrary;
  module.loadDynamicLibrary = function (path, flags, localScope, handle) {
    if (!handle) {
      handle = module._calloc(HANDLE_BYTES, 1);
      loads.push({ path, handle, global: Boolean(flags && flags.global), local: localScope != null });
    }
    return load.call(this, path, flags, localScope, handle);
  };
  return {
    stop() {
      module.loadDynamicLibrary = load;
      return { tableBefore, namesBefore, loads };
    },
  };
}

/**
 * What a restore needs besides the memory: {meta, files}. meta (JSON) lists each library loaded
 * while recording, with its handle and the memory it was given; the handles Python's own dlopen
 * calls got for them; the table's length before and after; and linkDigest(). files holds each
 * library's bytes (read from Python's file system). Throws if a load did not fill its handle in,
 * or if a library loaded without one (one that another needs: a restore could not place it).
 */
async function describeLibraries(module, recorded) {
  const heap = new Uint32Array(module.HEAPU8.buffer);
  const libraries = recorded.loads.map((load) => {
    if (!module.HEAPU8[load.handle + HANDLE.allocated]) throw new Error(`${load.path} did not load`);
    const memoryBase = heap[(load.handle + HANDLE.memoryBase) >> 2];
    const memorySize = heap[(load.handle + HANDLE.memorySize) >> 2];
    return { ...load, memoryBase, memorySize };
  });
  const paths = new Set(libraries.flatMap(({ path }) => [path, module.PATH.basename(path)]));
  for (const name of Object.keys(module.LDSO.loadedLibsByName)) {
    if (!recorded.namesBefore.has(name) && !paths.has(name)) throw new Error(`${name} loaded unrecorded`);
  }
  // Python's dlopen of each extension module found it loaded and filed it under a handle of its
  // own, which Python's memory holds: a restore files the library under it again.
  const recordedHandles = new Set(libraries.map(({ handle }) => handle));
  const handles = Object.entries(module.LDSO.loadedLibsByHandle)
    .filter(([handle, dso]) => !recordedHandles.has(Number(handle)) && paths.has(dso.name))
    .map(([handle, dso]) => [Number(handle), dso.name]);
  const files = libraries.map((library) => module.FS.readFile(library.path));
  const meta = {
    libraries,
    handles,
    tableBefore: recorded.tableBefore,
    tableLength: module.wasmTable.length,
    linkDigest: await linkDigest(module),
  };
  return { meta, files };
}

/**
 * Load the libraries `meta` lists (describeLibraries) into a Python just restored from the
 * snapshot taken with them, from their bytes `files`, where the snapshot expects them, then put
 * back their memory from `memory` (the snapshot's copy of Python's memory). Rejects, leaving
 * that Python unusable, if they are not linked as the snapshot's visit linked them.
 */
async function reloadLibraries(module, meta, files, memory) {
  if (module.wasmTable.length !== meta.tableBefore) {
    throw new Error(`the function table has ${module.wasmTable.length} slots, not ${meta.tableBefore}, before numpy's modules`);
  }
  for (const [index, library] of meta.libraries.entries()) {
    const bytes = files[index];
    const fs = { findObject: (path) => path === library.path, readFile: () => bytes };
    const flags = { loadAsync: true, nodelete: true, allowUndefined: true, global: library.global, fs };
    await module.loadDynamicLibrary(library.path, flags, library.local ? {} : undefined, library.handle);
    // As Pyodide's own loader does: a library is also known by its file name.
    const name = module.PATH.basename(library.path);
    module.LDSO.loadedLibsByName[name] ||= module.LDSO.loadedLibsByName[library.path];
  }
  for (const [handle, name] of meta.handles) {
    const dso = module.LDSO.loadedLibsByName[name];
    if (!dso) throw new Error(`${name} is not loaded`);
    module.LDSO.loadedLibsByHandle[handle] = dso;
  }
  for (const { memoryBase, memorySize } of meta.libraries) {
    module.HEAPU8.set(memory.subarray(memoryBase, memoryBase + memorySize), memoryBase);
  }
  if (module.wasmTable.length !== meta.tableLength || (await linkDigest(module)) !== meta.linkDigest) {
    throw new Error("numpy's modules are not linked as the snapshot expects");
  }
}

// A restored Python has no site-packages files (the snapshot is of memory only), so it can
// import nothing new from numpy or kdsite: every module of theirs that the site ships (the
// build ships only the modules real runs import, kdsite/pyodide/closure.py) is imported before
// the snapshot is taken. The standard library stays in its zip, on the file system as before.
const IMPORT_INSTALLED = `
def _import_installed():
    import importlib
    from pyodide._package_loader import SITE_PACKAGES

    names = set()
    for path in SITE_PACKAGES.rglob("*"):
        relative = path.relative_to(SITE_PACKAGES)
        if path.suffix not in (".py", ".pyc", ".so") or any(
            part.endswith(".dist-info") or part == "__pycache__" for part in relative.parts
        ):
            continue
        parts = [*relative.parent.parts, path.name.partition(".")[0]]
        if parts[-1] == "__init__":
            parts.pop()
        names.add(".".join(parts))
    for name in sorted(names):
        importlib.import_module(name)

_import_installed()
del _import_installed
`;

/** Import every module installed in site-packages (see above). Throws what an import raises. */
function importInstalled(pyodide) {
  pyodide.runPython(IMPORT_INSTALLED);
}

/**
 * Take the snapshot the next visit can start from: every installed module imported, then
 * Python's memory (makeMemorySnapshot(); `pyodide` must have been started with `_makeSnapshot`)
 * with numpy's modules as `recorded` (recordLibraries().stop()) loaded them. Returns
 * {snapshot, meta, files} (python-snapshot.js keeps them); throws if one cannot be taken.
 */
export async function takeSnapshot(pyodide, recorded) {
  importInstalled(pyodide);
  const { meta, files } = await describeLibraries(pyodide._module, recorded);
  // Pyodide refuses to snapshot a Python that has loaded packages (it compares its list of them
  // with the empty one a start leaves); the list is handed back to the restored Python instead.
  const loadedPackages = { ...pyodide.loadedPackages };
  for (const name of Object.keys(loadedPackages)) delete pyodide.loadedPackages[name];
  let snapshot;
  try {
    snapshot = pyodide.makeMemorySnapshot();
  } finally {
    Object.assign(pyodide.loadedPackages, loadedPackages);
  }
  // Pyodide's snapshot starts with a header; its second 32-bit word is where memory begins.
  const memoryOffset = new DataView(snapshot.buffer, snapshot.byteOffset, 8).getUint32(4, true);
  return { snapshot, meta: { ...meta, loadedPackages, memoryOffset }, files };
}

/** Finish a restore from `kept` (takeSnapshot()'s, as python-snapshot.js hands it back) of
 * `pyodide` (loadPyodide with `_loadSnapshot: kept.snapshot`): numpy's modules loaded again,
 * and Pyodide's list of loaded packages. Rejects if they cannot be (see reloadLibraries). */
export async function restoreLibraries(pyodide, kept) {
  const { meta, files, snapshot } = kept;
  await reloadLibraries(pyodide._module, meta, files, snapshot.subarray(meta.memoryOffset));
  Object.assign(pyodide.loadedPackages, meta.loadedPackages);
}
