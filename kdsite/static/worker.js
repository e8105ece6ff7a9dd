// kdsite Python worker (module Web Worker, one per page, started, and after a crash
// restarted, by supervisor.js for runtime.js). Boots Pyodide from ../pyodide/ (relative to
// this file), loads numpy + kdsite from the site's own pyodide-lock.json with integrity
// checks, then answers the page's requests by calling the Python functions protocol.js
// lists. No request ever leaves the site. Messages, both ways: protocol.js.
// Every download starts as this script starts: pyodide.mjs, pyodide.asm.js and, when the build
// precompressed them (_kd/pyodide/boot-files.js), the xz-packed wasm, stdlib and wheels, one
// after another (the page's decoder threads may have begun them already), which boot-fetch.js
// decompresses and checks when Pyodide asks for them (or takes from the copy an earlier visit
// kept, stored once Python is ready). A second visit starts Python, numpy and kdsite imported,
// from the memory snapshot the first one took (python-snapshot.js, python-libraries.js).

import { HOW_TO_FIX } from "./advice.js";
import { installBootFetch } from "./boot-fetch.js";
import { askPageForDecoders } from "./decoders.js";
import * as protocol from "./protocol.js";
import { recordLibraries, restoreLibraries, takeSnapshot } from "./python-libraries.js";
import { PYTHON_ENV } from "./python-env.js";
import { pythonSnapshots } from "./python-snapshot.js";
import { trimInvalidateCaches } from "./stdlib-zip.js";

const { MSG, PYTHON } = protocol;

// The page saw an iPad or iPhone (early.js names the worker so): make Pyodide see one too,
// before it loads, so it does not take the WebAssembly that iPadOS 18.3.1+ refuses.
if (self.name === "kdsite-apple-touch" && !/iPad|iPhone|iPod/.test(navigator.platform)) {
  Object.defineProperty(navigator, "platform", { value: "iPad", configurable: true });
}
const PYODIDE_DIR = new URL("../pyodide/", import.meta.url).href;
const LOCK_URL = new URL("pyodide-lock.json", PYODIDE_DIR).href;

// Started at once, in parallel. Without boot-files.js (a site built without precompression, or
// the file:// bundle, whose fetch() answers from bytes) Pyodide fetches the originals itself.
const bootFiles = import("../pyodide/boot-files.js").then((module) => module.BOOT_FILES, () => null);
const pyodideModule = import("../pyodide/pyodide.mjs");
pyodideModule.catch(() => {}); // reported by boot()
// Defines globalThis._createPyodideModule, so loadPyodide need not load it after pyodide.mjs.
const pyodideAsm = import("../pyodide/pyodide.asm.js").catch(() => {}); // loadPyodide retries
// Python as an earlier visit left it, numpy and kdsite imported (python-snapshot.js), looked up
// at once: reading and checking it overlaps the load of pyodide.asm.js. Only for the runtime
// boot-files.js lists, and where there is Cache Storage to keep one in.
const snapshots = bootFiles.then((manifest) => (manifest && self.caches ? pythonSnapshots(self, PYODIDE_DIR, manifest) : null));

let computeStateJson = null; // PYTHON.functions.compute_state_json once ready (and the snapshot taken)
let trainJson = null; // PYTHON.functions.train_json once ready
let failed = false;
const queue = []; // requests that arrived before ready, in order
let restoredFrom = null; // the snapshot store, when Python was restored from its snapshot

function progress(stage, text) {
  self.postMessage(protocol.progress(stage, text));
}

/** Replace this worker (the supervisor starts another), after `reason`; one whose Python was
 * restored from a snapshot first deletes the snapshot, which may be the cause, so the next
 * worker starts Python in full. */
async function crash(reason) {
  if (failed) return;
  failed = true;
  queue.length = 0;
  if (restoredFrom) await restoredFrom.discard();
  self.postMessage(protocol.crashed(reason));
  self.close();
}

/** Python cannot start: no request will be answered, and a new worker would not do better;
 * unless Python was restored from a snapshot: then one that starts it in full is tried first. */
function fatal(message) {
  if (restoredFrom) {
    crash(`Python, restored as your last visit left it, then failed (${message}); if this repeats, ` +
      "clear this site's stored data in the browser's settings");
    return;
  }
  if (failed) return;
  failed = true;
  queue.length = 0;
  self.postMessage(protocol.fatalError(message));
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
function report(request, err) {
  if (err && err.pyodide_fatal_error) {
    crash(`Python crashed (${lastLine(err)})`);
    return;
  }
  self.postMessage(protocol.requestError(request, lastLine(err)));
}

/** Answer one protocol.js Request with what its Python function returns. */
function answer(request) {
  try {
    const config = JSON.stringify(request.config);
    const controls = JSON.stringify(request.controls);
    if (request.type === MSG.TRAIN) {
      const state = JSON.parse(trainJson(request.run, config, controls, request.epochs, request.restart));
      self.postMessage(protocol.epochAnswer(request, state));
    } else {
      const state = JSON.parse(computeStateJson(request.widget, config, controls));
      self.postMessage(protocol.stateAnswer(request, state));
    }
  } catch (err) {
    report(request, err);
  }
}

self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (!protocol.isRequest(msg) || failed) return;
  if (computeStateJson) answer(msg);
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
  let downloads = null;
  let store = null; // python-snapshot.js' store, where there is one
  let kept = null; // what that store kept from an earlier visit: {snapshot, loaded}, then meta, files
  let snapshotDamage = null; // why the kept snapshot could not be read, if it could not
  try {
    const manifest = await bootFiles;
    if (manifest) {
      // Each .xz decompresses in a decoder thread the page starts (decoders.js says why not here).
      const decoders = (jobs) => askPageForDecoders(self, jobs);
      downloads = installBootFetch(self, PYODIDE_DIR, manifest, [LOCK_URL], fatal, decoders);
    }
    const lockPromise = fetchLock();
    lockPromise.catch(() => {}); // reported below, after loadPyodide settles
    store = await snapshots;
    // Its bytes are read (by a decoder thread, where there is one) while pyodide.asm.js loads.
    kept = store && (await store.take(downloads && downloads.readKept));
    const { loadPyodide } = await pyodideModule;
    await pyodideAsm;
    // Python starts in full and will load the wheels: their kept copies, if any, are checked now.
    if (!kept && downloads) downloads.checkKept();
    let start = store ? { _makeSnapshot: true } : {}; // Python in full, ready to have one taken
    if (kept) {
      progress("python", "Starting Python as your last visit left it");
      restoredFrom = store; // from here on, a failure drops the snapshot (fatal, crash)
      const { snapshot, loaded } = kept;
      start = {
        _loadSnapshot: snapshot, // sizes Python's memory; read only once the runtime is compiled
        // Pyodide waits for this hook (in its module's pre-run) before it reads `snapshot`, so
        // reading and checking the kept bytes overlaps compiling and linking the runtime.
        fsInit: () => loaded.then((rest) => Object.assign(kept, rest), (err) => void (snapshotDamage = err)),
      };
    }
    pyodide = await loadPyodide({ indexURL: PYODIDE_DIR, lockFileURL: LOCK_URL, env: { ...PYTHON_ENV }, ...start });
    if (snapshotDamage) throw snapshotDamage; // Pyodide would have refused the zeroed memory
    // Pyodide keeps its options: they must not keep the snapshot (~36 MB unpacked) alive once `kept` lets go.
    if (pyodide._api && pyodide._api.config) {
      delete pyodide._api.config._loadSnapshot;
      delete pyodide._api.config.fsInit;
    }
    lock = await lockPromise;
  } catch (err) {
    if (snapshotDamage) {
      // Pyodide found no snapshot in the zeroed memory. The damaged copy was deleted before
      // `loaded` failed (python-snapshot.js), so the worker that replaces this one starts
      // Python in full.
      restoredFrom = null;
      crash(`the copy of Python your last visit kept was damaged (${lastLine(snapshotDamage)})`);
      return;
    }
    fatal(`Python failed to start: ${lastLine(err)} ${HOW_TO_FIX}`);
    return;
  } finally {
    console.warn = originalWarn;
  }
  if (failed) return;

  const errors = [];
  let made = null; // the snapshot this visit takes for the next one, once Python is ready
  if (kept) {
    // numpy and kdsite are imported already; their compiled modules only need loading again.
    progress("packages", "Loading numpy's compiled modules");
    try {
      await restoreLibraries(pyodide, kept);
    } catch (err) {
      crash(`Python, restored as your last visit left it, could not load numpy's modules (${lastLine(err)})`);
      return;
    }
    kept = null;
  } else {
    try {
      trimInvalidateCaches(pyodide);
    } catch (err) {
      // The stdlib ships no importlib.metadata, which loadPackage's invalidate_caches() would
      // then import and fail: Python works but this visit keeps no snapshot. Said at once.
      console.warn(`kdsite: ${lastLine(err)}`);
      errors.push(lastLine(err));
    }
    const libraries = store && recordLibraries(pyodide._module);
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
    if (libraries) made = libraries.stop();
  }

  progress("check", "Checking kdsite");
  const expected = lock.packages && lock.packages.kdsite && lock.packages.kdsite.version;
  let version = null;
  try {
    version = pyodide.runPython(`import kdsite, ${PYTHON.module}\nkdsite.__version__`);
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
  const states = pyodide.pyimport(PYTHON.module);
  self.postMessage(protocol.ready(version));
  // The snapshot is taken now: after ready, as the widgets need nothing from it, but before any
  // request runs in Python (until computeStateJson is set they wait in the queue), so the next
  // visit starts from a Python no reader has used. Only that visit is slower without one.
  if (made) {
    made = errors.length ? null : await takeSnapshot(pyodide, made).catch((err) => {
      console.warn(`kdsite: no Python snapshot for the next visit (${lastLine(err)})`);
      return null;
    });
  }
  computeStateJson = states.compute_state_json;
  trainJson = states.train_json;
  while (queue.length) answer(queue.shift());
  if (restoredFrom && downloads) downloads.unneeded(); // the wheels: a restored Python has numpy
  if (restoredFrom) await warmUp();
  // Only now: storing the decompressed runtime (~20 MB) must not compete with the boot.
  if (downloads) await downloads.keepDecoded();
  if (made) await store.keep(made.snapshot, made.meta, made.files);
}

// A Python restored from a snapshot has run almost nothing in this visit, so its WebAssembly is
// still the baseline code V8 compiles first, and the reader's first slider moves would wait for
// V8 to optimize the paths they take (index.html, measured: first input 55 ms, not 20; p95 of
// 200 inputs 16 ms, not 12). A few dozen states of one widget, computed between requests (each
// after a turn of the event loop, so a request never waits for more than one), optimize the
// interpreter's and numpy's common paths first. The results are thrown away.
const WARM_UP_STATES = 40;
// JSON text, so that tests/unit/test_worker_warm_up.py can check it is a config Python accepts.
const WARM_UP_CONFIG =
  '{"teacher": [0.7, 0.2, 0.05, 0.03, 0.02], "student": [0.55, 0.18, 0.12, 0.1, 0.05], "labels": ["a", "b", "c", "d", "e"], "temperature": 1}';

async function warmUp() {
  for (let i = 1; i <= WARM_UP_STATES && !failed; i++) {
    await new Promise((resolve) => setTimeout(resolve));
    try {
      computeStateJson("distillation-viz", WARM_UP_CONFIG, JSON.stringify({ temperature: i / 4 }));
    } catch (err) {
      if (err && err.pyodide_fatal_error) crash(`Python crashed (${lastLine(err)})`);
      return; // a Python error: a real request that meets it says why
    }
  }
}

// Once Python has failed with a message naming the cause, the downloads and promises it leaves
// behind (a wheel still arriving, a lock Pyodide never awaited) may still fail, for instance when
// the page closes: that says nothing new, so it is not reported again as an uncaught error.
self.addEventListener("unhandledrejection", (event) => {
  if (failed) event.preventDefault();
});

boot().catch((err) => fatal(`Python failed to start: ${lastLine(err)}`));
