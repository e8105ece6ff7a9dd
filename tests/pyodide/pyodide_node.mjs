// A test helper, not a test: Pyodide in Node started from a built site's runtime folder the way
// the site's worker.js starts it, for run_python.mjs and restore_check.mjs.
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Python started in full from `dir` (<site>/_kd/pyodide/), with numpy and kdsite loaded (with
 * `snapshot`, started ready to have one taken, every library load recorded; with
 * `beforePackages`, that Python code run before they load): {pyodide, libraries
 * (recordLibraries()'s, or null), options, loadPyodide, staticModule (imports a file of the
 * site's _kd/static/)}. Exits the process with the loader's messages if a package failed. */
export async function startPython(dir, { snapshot = false, beforePackages = null } = {}) {
  dir = path.resolve(dir) + path.sep;
  const staticModule = (name) => import(pathToFileURL(path.join(dir, "..", "static", name)).href);
  const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
  const { trimInvalidateCaches } = await staticModule("stdlib-zip.js");
  const { PYTHON_ENV } = await staticModule("python-env.js");
  const options = { indexURL: dir, lockFileURL: path.join(dir, "pyodide-lock.json"), env: { ...PYTHON_ENV } };
  const pyodide = await loadPyodide(snapshot ? { ...options, _makeSnapshot: true } : options);
  trimInvalidateCaches(pyodide);
  // Only then: closure_record.py's runtime folder has no python-libraries.js beside it.
  const libraries = snapshot ? (await staticModule("python-libraries.js")).recordLibraries(pyodide._module) : null;
  if (beforePackages !== null) pyodide.runPython(beforePackages);
  const errors = [];
  await pyodide.loadPackage(["kdsite"], { checkIntegrity: true, messageCallback: () => {}, errorCallback: (m) => errors.push(m) });
  if (errors.length) {
    console.error(errors.join("\n"));
    process.exit(1);
  }
  return { pyodide, libraries, options, loadPyodide, staticModule };
}

/** A second Python, started as a browser's next visit starts it: from the snapshot a first one
 * (startPython) took once numpy and kdsite were imported, kept and read back as
 * python-snapshot.js keeps it, numpy's modules loaded again by python-libraries.js.
 * `beforeLibraries(pyodide, kept)` runs between Pyodide's restore and that reload. */
export async function restoredPython(dir, { beforeLibraries = () => {} } = {}) {
  const first = await startPython(dir, { snapshot: true });
  const { takeSnapshot, restoreLibraries } = await first.staticModule("python-libraries.js");
  const { bundle, unbundle } = await first.staticModule("python-snapshot.js");
  first.pyodide.runPython("import kdsite, kdsite.core.states");
  const made = await takeSnapshot(first.pyodide, first.libraries.stop());
  const bytes = bundle(made.snapshot, made.meta, made.files);
  // As worker.js does: Pyodide gets a zeroed array of the snapshot's length, filled only in its
  // fsInit hook, while the runtime starts; a Pyodide that read it earlier would find no snapshot.
  const snapshot = new Uint8Array(made.snapshot.length);
  let kept = null;
  const fsInit = async () => {
    await new Promise((resolve) => setTimeout(resolve, 50)); // the bytes come later, as read from a cache
    kept = unbundle(bytes, snapshot);
  };
  const pyodide = await first.loadPyodide({ ...first.options, _loadSnapshot: snapshot, fsInit });
  await beforeLibraries(pyodide, kept);
  await restoreLibraries(pyodide, kept);
  return pyodide;
}
