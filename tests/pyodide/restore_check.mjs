// What python-libraries.js assumes of numpy's compiled modules, checked on a real restore in
// Node (tests/pyodide/test_core_in_pyodide.py): loading them again changes no byte of Python's
// memory outside their own memory (which the restore then copies back from the snapshot); a
// module whose constructors allocated or registered something elsewhere would break that, and
// the restore would need more than this. Prints JSON {libraries, changedOutside: [addresses]}.
// Usage: node restore_check.mjs <site>/_kd/pyodide
import { restoredPython } from "./pyodide_node.mjs";

let before = null;
let regions = [];
const pyodide = await restoredPython(process.argv[2], {
  beforeLibraries: (restored, kept) => {
    before = restored._module.HEAPU8.slice();
    regions = kept.meta.libraries.map(({ memoryBase, memorySize }) => [memoryBase, memoryBase + memorySize]);
  },
});
const after = pyodide._module.HEAPU8;
const changedOutside = [];
for (let at = 0; at < before.length && changedOutside.length < 20; at++) {
  if (before[at] !== after[at] && !regions.some(([start, end]) => at >= start && at < end)) changedOutside.push(at);
}
process.stdout.write(JSON.stringify({ libraries: regions.length, changedOutside }));
