// Run Python code from stdin under real Pyodide in Node, with the site's own runtime folder:
// the same pyodide-lock.json, numpy wheel and kdsite wheel the browser loads, loaded the way
// the site's worker.js loads them (with its stdlib-zip.js start-up tweak). The code's
// last expression must be a JSON string; it is printed to stdout.
// With --restored, the code runs instead in a second Pyodide started as a browser's next visit
// starts it: from the snapshot the first one took once numpy and kdsite were imported, kept and
// read back the way python-snapshot.js keeps it, numpy's modules loaded again by
// python-libraries.js.
// Usage: node run_python.mjs <site>/_kd/pyodide [--restored]
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = path.resolve(process.argv[2]) + path.sep;
const restored = process.argv.includes("--restored");
const staticModule = (name) => import(pathToFileURL(path.join(dir, "..", "static", name)).href);
const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
const { keepStdlibZipDirectory } = await staticModule("stdlib-zip.js");
const { recordLibraries, restoreLibraries, takeSnapshot } = await staticModule("python-libraries.js");
const { bundle, unbundle } = await staticModule("python-snapshot.js");

const options = { indexURL: dir, lockFileURL: path.join(dir, "pyodide-lock.json") };
let pyodide = await loadPyodide(restored ? { ...options, _makeSnapshot: true } : options);
keepStdlibZipDirectory(pyodide);
const libraries = restored ? recordLibraries(pyodide._module) : null;
const errors = [];
await pyodide.loadPackage(["kdsite"], { checkIntegrity: true, messageCallback: () => {}, errorCallback: (m) => errors.push(m) });
if (errors.length) {
  console.error(errors.join("\n"));
  process.exit(1);
}
if (restored) {
  pyodide.runPython("import kdsite, kdsite.core.states");
  const made = await takeSnapshot(pyodide, libraries.stop());
  const kept = unbundle(bundle(made.snapshot, made.meta, made.files));
  pyodide = await loadPyodide({ ...options, _loadSnapshot: kept.snapshot });
  await restoreLibraries(pyodide, kept);
}
const code = readFileSync(0, "utf8");
process.stdout.write(String(pyodide.runPython(code)));
