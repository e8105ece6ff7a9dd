// Run Python code from stdin under real Pyodide in Node, with the site's own runtime folder:
// the same pyodide-lock.json, numpy wheel and kdsite wheel the browser loads, loaded the way
// the site's worker.js loads them (with its stdlib-zip.js start-up tweak). The code's
// last expression must be a JSON string; it is printed to stdout.
// Usage: node run_python.mjs <site>/_kd/pyodide
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = path.resolve(process.argv[2]) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
const { keepStdlibZipDirectory } = await import(pathToFileURL(path.join(dir, "..", "static", "stdlib-zip.js")).href);
const pyodide = await loadPyodide({ indexURL: dir, lockFileURL: path.join(dir, "pyodide-lock.json") });
keepStdlibZipDirectory(pyodide);
const errors = [];
await pyodide.loadPackage(["kdsite"], { checkIntegrity: true, messageCallback: () => {}, errorCallback: (m) => errors.push(m) });
if (errors.length) {
  console.error(errors.join("\n"));
  process.exit(1);
}
const code = readFileSync(0, "utf8");
process.stdout.write(String(pyodide.runPython(code)));
