// The naive peer: how exported notebooks usually go live. Everything on the MAIN thread:
// load Pyodide, load numpy, run the widget's computation in Python, then mark the page ready
// (<html data-ready>, which probe.js times). Uses Pyodide's official release files and lock,
// the same version kdsite ships, copied beside this page by bench/site.py.

import { loadPyodide } from "./pyodide/pyodide.mjs";

const out = document.getElementById("naive");
const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href });
await pyodide.loadPackage("numpy");
pyodide.globals.set("config_json", out.dataset.config);
const kl = pyodide.runPython(`
import json
import numpy as np

c = json.loads(config_json)
T = float(c.get("temperature", 1.0))

def soften(p):
    q = np.asarray(p, dtype=float) ** (1.0 / T)
    return q / q.sum()

t, s = soften(c["teacher"]), soften(c["student"])
mask = t > 0
float(np.sum(t[mask] * np.log(t[mask] / s[mask])))
`);
out.querySelector("span").textContent = kl.toFixed(3);
document.documentElement.setAttribute("data-ready", "");
