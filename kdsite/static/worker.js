// kdsite Python worker (module Web Worker, one per page, started, and after a crash
// restarted, by supervisor.js for runtime.js). Boots Pyodide from ../pyodide/ (relative to
// this file), loads numpy + kdsite from the site's own pyodide-lock.json with integrity
// checks, then answers "state" requests by calling kdsite.core.states.compute_state_json and
// "train" requests by calling kdsite.core.states.train_json. No request ever leaves the site.
//
// Message protocol (runtime.js and supervisor.js are the other side):
//   runtime -> worker  {type: "state", id, widget, config, controls}
//                      {type: "train", id, widget, run, config, controls, epochs, restart}
//   worker  -> runtime {type: "progress", stage, text}
//                      {type: "ready", version}
//                      {type: "state", id, widget, state}
//                      {type: "epoch", id, run, state}         (answer to "train")
//                      {type: "error", id, widget, message}    (one request failed)
//                      {type: "error", fatal: true, message}    (Python could not start)
//                      {type: "crashed", message}               (Pyodide died: restart me)

import { HOW_TO_FIX } from "./advice.js";
import { keepStdlibZipDirectory } from "./stdlib-zip.js";

const PYODIDE_DIR = new URL("../pyodide/", import.meta.url).href;
const LOCK_URL = new URL("pyodide-lock.json", PYODIDE_DIR).href;

let computeStateJson = null; // Python kdsite.core.states.compute_state_json once ready
let trainJson = null; // Python kdsite.core.states.train_json once ready
let failed = false;
const queue = []; // "state" and "train" requests that arrived before ready, in order

function progress(stage, text) {
  // Counterpart: supervisor.js onMessage "progress".
  self.postMessage({ type: "progress", stage, text });
}

function fatal(message) {
  if (failed) return;
  failed = true;
  queue.length = 0;
  // Counterpart: supervisor.js onMessage "error" (msg.fatal): no restart.
  self.postMessage({ type: "error", fatal: true, message });
}

/** The readable last line of a Python traceback (e.g. "ValueError: temperature must be > 0"). */
function lastLine(err) {
  const text = String((err && err.message) || err || "unknown error").trim();
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines[lines.length - 1] : text;
}

/** Answer a failed request: a Python exception fails that request; a Pyodide fatal error
 * (a WebAssembly trap, memory exhausted) leaves Python unusable, so this worker asks to be
 * replaced and answers nothing more. */
function report(msg, err) {
  if (err && err.pyodide_fatal_error) {
    failed = true;
    queue.length = 0;
    // Counterpart: supervisor.js onMessage "crashed": it starts a fresh worker.
    self.postMessage({ type: "crashed", message: `Python crashed (${lastLine(err)})` });
    self.close();
    return;
  }
  // Counterpart: runtime.js answer() "error" (per request, not fatal).
  self.postMessage({ type: "error", id: msg.id, widget: msg.widget, message: lastLine(err) });
}

function handleState(msg) {
  // Counterpart: runtime.js send() "state"; Python side: kdsite/core/states/__init__.py
  // compute_state_json (JSON text in, JSON text out).
  const { id, widget } = msg;
  try {
    const text = computeStateJson(widget, JSON.stringify(msg.config), JSON.stringify(msg.controls));
    const state = JSON.parse(text);
    // Counterpart: runtime.js answer() "state".
    self.postMessage({ type: "state", id, widget, state });
  } catch (err) {
    report(msg, err);
  }
}

function handleTrain(msg) {
  // Counterpart: runtime.js train() "train"; Python side: kdsite/core/states/training_lab.py
  // train_json(run, config_json, controls_json, epochs, restart) (JSON text out).
  const { id, run } = msg;
  try {
    const text = trainJson(
      String(run),
      JSON.stringify(msg.config),
      JSON.stringify(msg.controls),
      Math.max(0, Math.floor(Number(msg.epochs) || 0)),
      Boolean(msg.restart),
    );
    const state = JSON.parse(text);
    // Counterpart: runtime.js answer() "epoch".
    self.postMessage({ type: "epoch", id, run, state });
  } catch (err) {
    report(msg, err);
  }
}

function handle(msg) {
  if (msg.type === "train") handleTrain(msg);
  else handleState(msg);
}

self.addEventListener("message", (event) => {
  const msg = event.data || {};
  // Counterpart: runtime.js send() "state" and train() "train".
  if ((msg.type !== "state" && msg.type !== "train") || failed) return;
  if (computeStateJson) handle(msg);
  else queue.push(msg);
});

async function fetchLock() {
  let response;
  try {
    response = await fetch(LOCK_URL);
  } catch (err) {
    throw new Error(`could not fetch _kd/pyodide/pyodide-lock.json (${lastLine(err)}).`);
  }
  if (!response.ok) {
    throw new Error(`_kd/pyodide/pyodide-lock.json is missing (HTTP ${response.status}); rebuild the site (make site).`);
  }
  return response.json();
}

async function boot() {
  progress("python", "Starting Python");

  // Pyodide reports a failed WebAssembly compile (wrong MIME type, CSP, missing file) only
  // through console.warn("wasm instantiation failed!") and then hangs forever; turn it
  // into an immediate fatal error instead of waiting for runtime.js's time limit.
  const originalWarn = console.warn;
  let wasmFailed = false;
  console.warn = (...args) => {
    originalWarn.apply(console, args);
    const text = args.map((a) => String(a)).join(" ");
    if (text.includes("wasm instantiation failed")) {
      wasmFailed = true;
    } else if (wasmFailed) {
      fatal(`Python's WebAssembly failed to start (${lastLine(text)}). ${HOW_TO_FIX}`);
    }
  };

  let pyodide;
  let lock;
  try {
    const lockPromise = fetchLock();
    lockPromise.catch(() => {}); // reported below, after loadPyodide settles
    const { loadPyodide } = await import("../pyodide/pyodide.mjs");
    pyodide = await loadPyodide({ indexURL: PYODIDE_DIR, lockFileURL: LOCK_URL });
    lock = await lockPromise;
  } catch (err) {
    fatal(`Python failed to start: ${lastLine(err)} ${HOW_TO_FIX}`);
    return;
  } finally {
    console.warn = originalWarn;
  }
  if (failed) return;

  const errors = [];
  try {
    keepStdlibZipDirectory(pyodide);
  } catch (err) {
    errors.push(lastLine(err)); // only slower without it; reported if loading then fails
  }
  const packages = Object.keys(lock.packages || {}).filter((name) => name !== "kdsite");
  progress("packages", `Loading ${packages.concat(["kdsite"]).join(" + ")}`);
  try {
    // Resolves even when a wheel failed (e.g. its sha256 did not match); checked below.
    await pyodide.loadPackage(["kdsite"], {
      checkIntegrity: true,
      messageCallback: () => {}, // "Loading …"/"Loaded …" lines; progress is posted above
      errorCallback: (text) => errors.push(text),
    });
  } catch (err) {
    errors.push(lastLine(err));
  }

  progress("check", "Checking kdsite");
  const expected = lock.packages && lock.packages.kdsite && lock.packages.kdsite.version;
  let version = null;
  try {
    version = pyodide.runPython("import kdsite, kdsite.core.states\nkdsite.__version__");
  } catch (err) {
    errors.push(lastLine(err));
  }
  if (!version || version !== expected) {
    if (version) errors.push(`kdsite ${version} is installed but the site's lock file names ${expected}`);
    const detail = errors.length ? ` Details: ${errors.join(" ")}` : "";
    fatal(
      "kdsite package failed to load — its wheel may have failed the integrity check; " +
        `rebuild the site (make site).${detail}`,
    );
    return;
  }

  const states = pyodide.pyimport("kdsite.core.states");
  computeStateJson = states.compute_state_json;
  trainJson = states.train_json;
  // Counterpart: supervisor.js onMessage "ready".
  self.postMessage({ type: "ready", version });
  while (queue.length) handle(queue.shift());
}

boot().catch((err) => fatal(`Python failed to start: ${lastLine(err)}`));
