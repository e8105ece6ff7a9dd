// Run Python code from stdin under real Pyodide in Node, with the site's own runtime folder:
// the same pyodide-lock.json, numpy wheel and kdsite wheel the browser loads, loaded the way
// the site's worker.js loads them (its python-env.js environment, its stdlib-zip.js start-up
// tweak). The code's
// last expression must be a JSON string; it is printed to stdout.
// With --restored, the code runs instead in a Python restored from a snapshot, as a browser's
// next visit starts it (pyodide_node.mjs' restoredPython).
// With --before-packages FILE, the Python code in FILE runs first, once Python has started and
// before the packages load (closure_record.py puts its stand-ins in place there).
// Usage: node run_python.mjs <site>/_kd/pyodide [--restored | --before-packages FILE]
import { readFileSync } from "node:fs";

import { restoredPython, startPython } from "./pyodide_node.mjs";

const dir = process.argv[2];
const at = process.argv.indexOf("--before-packages");
const beforePackages = at > 0 ? readFileSync(process.argv[at + 1], "utf8") : null;
if (beforePackages !== null && process.argv.includes("--restored")) {
  throw new Error("--before-packages and --restored: a restored Python loads no packages");
}
const pyodide = process.argv.includes("--restored")
  ? await restoredPython(dir)
  : (await startPython(dir, { beforePackages })).pyodide;
const code = readFileSync(0, "utf8");
try {
  process.stdout.write(String(pyodide.runPython(code)));
} catch (err) {
  // The Python traceback alone: an uncaught error would print the line of pyodide.asm.js that
  // threw (one line of over 1 MB), and the message after it can be cut off at exit.
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
