// Two start-up tweaks to Pyodide's import system, shared by worker.js (the browser) and
// tests/pyodide/run_python.mjs (Pyodide in Node), so both load packages the same way. Both apply
// to importlib.invalidate_caches(), which pyodide.loadPackage() calls once it has installed.
//
// - Python 3.12 answers it by making every zipimporter (one per package directory of
//   python_stdlib.zip that was imported from) re-read the whole zip's directory, 554 entries,
//   in pure Python: 50-70 ms of a cold start in Chromium on these 2-core machines. Nothing
//   writes to that zip after boot, so there is nothing new to find: skip the re-read for the
//   archives open now (the stdlib's). Any other zip, and every other finder, is still invalidated.
// - It ends by clearing the cache of importlib.metadata's finder, importing importlib.metadata to
//   do so (with email and csv, 27 modules, 23 of which nothing else imports): ~70 ms in Node
//   and 64 kB of the stdlib's download, for a cache that nothing has filled, since nothing here
//   reads package metadata. The stdlib the site ships has none of those 23 (closure.json).
//   While importlib.metadata is not imported, its finder is handed a cache-less stand-in for
//   that call; once something imports it, its real cache is cleared as before.

const PYTHON = `
import importlib.machinery, sys, types, zipimport

def _keep_directory(reread, archives):
    def invalidate_caches(self):
        if self.archive not in archives:
            reread(self)
    return invalidate_caches

zipimport.zipimporter.invalidate_caches = _keep_directory(
    zipimport.zipimporter.invalidate_caches,
    frozenset(f.archive for f in sys.path_importer_cache.values() if isinstance(f, zipimport.zipimporter)))
del _keep_directory

def _metadata_when_imported(invalidate):
    class NothingCached:
        @staticmethod
        def invalidate_caches():
            pass

    def invalidate_caches():
        if "importlib.metadata" in sys.modules:
            return invalidate()
        unloaded = types.ModuleType("importlib.metadata")
        unloaded.MetadataPathFinder = NothingCached
        sys.modules["importlib.metadata"] = unloaded
        try:
            return invalidate()
        finally:
            if sys.modules.get("importlib.metadata") is unloaded:
                del sys.modules["importlib.metadata"]
    return staticmethod(invalidate_caches)

importlib.machinery.PathFinder.invalidate_caches = _metadata_when_imported(
    importlib.machinery.PathFinder.invalidate_caches)
del _metadata_when_imported
`;

/** Apply both tweaks (above) to importlib.invalidate_caches(); call before loadPackage. */
export function trimInvalidateCaches(pyodide) {
  pyodide.runPython(PYTHON);
}
