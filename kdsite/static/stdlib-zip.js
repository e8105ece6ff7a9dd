// One start-up tweak to Pyodide's import system, shared by worker.js (the browser) and
// tests/pyodide/run_python.mjs (Pyodide in Node), so both load packages the same way.
//
// pyodide.loadPackage() ends with importlib.invalidate_caches(), and Python 3.12 answers
// that by making every zipimporter (one per package directory of python_stdlib.zip that was
// imported from) re-read the whole zip's directory, 554 entries, in pure Python: 50-70 ms
// of a cold start in Chromium on these 2-core machines. Nothing writes to that zip after
// boot, so there is nothing new to find: skip the re-read for the archives open now (the
// stdlib's). Any other zip, and every other finder, is still invalidated.

const PYTHON = `
import sys, zipimport

def _keep_directory(reread, archives):
    def invalidate_caches(self):
        if self.archive not in archives:
            reread(self)
    return invalidate_caches

zipimport.zipimporter.invalidate_caches = _keep_directory(
    zipimport.zipimporter.invalidate_caches,
    frozenset(f.archive for f in sys.path_importer_cache.values() if isinstance(f, zipimport.zipimporter)))
del _keep_directory
`;

/** Stop importlib.invalidate_caches() from re-reading the stdlib zip; call before loadPackage. */
export function keepStdlibZipDirectory(pyodide) {
  pyodide.runPython(PYTHON);
}
