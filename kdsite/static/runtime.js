// kdsite runtime (main thread). Finds the page's widgets, starts ONE module Web Worker
// that runs Python (Pyodide + numpy + kdsite), and routes compute requests to it.
// Python never runs here. Everything is located relative to this file's URL, so the
// site works under any sub-path and never contacts another host.
//
// Message protocol (worker.js is the other side):
//   runtime -> worker  {type: "state", id, widget, config, controls}
//                      {type: "train", id, widget, run, config, controls, epochs, restart}
//   worker  -> runtime {type: "progress", stage, text}
//                      {type: "ready", version}
//                      {type: "state", id, widget, state}
//                      {type: "epoch", id, run, state}         (answer to "train")
//                      {type: "error", id, widget, message}    (one request failed)
//                      {type: "error", fatal: true, message}    (Python could not start)
//
// Widgets get api.compute(controls) -> Promise<state> (coalesced: only the latest controls
// are computed) and api.train(controls, {epochs, restart}) -> Promise<state> (never
// coalesced: every request is answered in order; the widget keeps one outstanding).
// A widget's mount() may return hooks {ready(), failed()}, called when it goes live or fails.

import { HOW_TO_FIX } from "./advice.js";

const DEFAULT_TIMEOUT_MS = 60000;


const STILL_VISIBLE = "The figure still shows its last computed values.";

function timeoutMs() {
  const raw = document.documentElement.dataset.kdTimeoutMs;
  const value = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(value) && value > 0
    ? value
    : DEFAULT_TIMEOUT_MS;
}

function setStatus(entry, text) {
  if (entry.status) entry.status.textContent = text;
}

function setControlsEnabled(entry, enabled) {
  for (const control of entry.root.querySelectorAll("[data-kd-control]")) {
    control.disabled = !enabled;
  }
  // Action buttons are the widget's to enable (hooks.ready); the runtime only turns them off.
  if (!enabled) for (const action of entry.root.querySelectorAll("[data-kd-action]")) action.disabled = true;
}

function callHook(entry, name) {
  const hook = entry.hooks && entry.hooks[name];
  if (typeof hook !== "function") return;
  try {
    hook();
  } catch (err) {
    console.error(err);
  }
}

function failWidget(entry, message) {
  if (entry.state === "error") return;
  entry.state = "error";
  entry.root.dataset.kdState = "error";
  setControlsEnabled(entry, false);
  setStatus(entry, `Interactive version unavailable: ${message} ${STILL_VISIBLE}`);
  const error = new Error(message);
  for (const waiter of entry.inflightWaiters) waiter.reject(error);
  if (entry.pending) for (const waiter of entry.pending.waiters) waiter.reject(error);
  entry.inflightWaiters = [];
  entry.inflightId = null;
  entry.pending = null;
  for (const waiter of entry.trainWaiters.values()) waiter.reject(error);
  entry.trainWaiters.clear();
  callHook(entry, "failed");
}

function maybeReady(entry, workerReady) {
  if (entry.state !== "loading" || !workerReady || !entry.mounted) return;
  entry.state = "ready";
  entry.root.dataset.kdState = "ready";
  setStatus(entry, "Interactive version ready.");
  setControlsEnabled(entry, true);
  callHook(entry, "ready");
}

function start() {
  // From disk there is no server for Pyodide's files: local-file.js explains that instead.
  if (location.protocol === "file:") return;
  const roots = Array.from(document.querySelectorAll("[data-kd-widget]"));
  if (roots.length === 0) return;

  const entries = new Map(); // request id -> entry (only while in flight)
  const all = [];
  let workerReady = false;
  let dead = false;
  let nextId = 1;

  let worker;
  try {
    worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  } catch (err) {
    // A frame sandboxed without allow-same-origin has an opaque origin, and the browser
    // refuses it a worker: say so instead of loading forever.
    const why = `the browser refused to start the Python worker (${err && err.message}). If this ` +
      "widget is embedded in an iframe with a sandbox attribute, the sandbox needs both " +
      "allow-scripts and allow-same-origin.";
    for (const root of roots) {
      root.dataset.kdState = "error";
      const status = root.querySelector("[data-kd-status]");
      if (status) status.textContent = `Interactive version unavailable: ${why} ${STILL_VISIBLE}`;
    }
    return;
  }

  function fatal(message) {
    if (dead) return;
    dead = true;
    clearTimeout(timer);
    worker.terminate();
    for (const entry of all) failWidget(entry, message);
  }

  const limit = timeoutMs();
  const timer = setTimeout(() => {
    fatal(`Python did not start within ${Math.round(limit / 1000)} s. ${HOW_TO_FIX}`);
  }, limit);

  function send(entry, controls, waiters) {
    const id = nextId++;
    entry.inflightId = id;
    entry.inflightWaiters = waiters;
    entries.set(id, entry);
    // Counterpart: worker.js onmessage "state" (handleState).
    worker.postMessage({ type: "state", id, widget: entry.name, config: entry.config, controls });
  }

  function finish(entry) {
    entries.delete(entry.inflightId);
    entry.inflightId = null;
    entry.inflightWaiters = [];
    if (entry.pending && entry.state !== "error") {
      const { controls, waiters } = entry.pending;
      entry.pending = null;
      send(entry, controls, waiters);
    }
  }

  function train(entry, controls, options = {}) {
    return new Promise((resolve, reject) => {
      if (dead || entry.state === "error") {
        reject(new Error("the interactive version is unavailable"));
        return;
      }
      const id = nextId++;
      entries.set(id, entry);
      entry.trainWaiters.set(id, { resolve, reject });
      // Counterpart: worker.js onmessage "train" (handleTrain); `run` names the Python-side
      // run kept between requests (kdsite/core/states/training_lab.py train_json).
      worker.postMessage({
        type: "train",
        id,
        widget: entry.name,
        run: entry.root.id || entry.name,
        config: entry.config,
        controls,
        epochs: Math.max(0, Math.floor(Number(options.epochs) || 0)),
        restart: Boolean(options.restart),
      });
    });
  }

  function compute(entry, controls) {
    return new Promise((resolve, reject) => {
      if (dead || entry.state === "error") {
        reject(new Error("the interactive version is unavailable"));
        return;
      }
      const waiter = { resolve, reject };
      if (entry.inflightId !== null) {
        // Coalesce: keep only the latest controls; earlier callers get the newer state.
        const waiters = entry.pending ? entry.pending.waiters : [];
        waiters.push(waiter);
        entry.pending = { controls, waiters };
        return;
      }
      send(entry, controls, [waiter]);
    });
  }

  worker.addEventListener("message", (event) => {
    const msg = event.data || {};
    switch (msg.type) {
      case "progress": {
        // Counterpart: worker.js progress() "progress".
        for (const entry of all) if (entry.state === "loading") setStatus(entry, `${msg.text}…`);
        break;
      }
      case "ready": {
        // Counterpart: worker.js boot() "ready".
        workerReady = true;
        clearTimeout(timer);
        for (const entry of all) maybeReady(entry, workerReady);
        break;
      }
      case "state": {
        // Counterpart: worker.js handleState() reply "state".
        const entry = entries.get(msg.id);
        if (!entry || entry.inflightId !== msg.id) break;
        const waiters = entry.inflightWaiters;
        finish(entry);
        for (const waiter of waiters) waiter.resolve(msg.state);
        break;
      }
      case "epoch": {
        // Counterpart: worker.js handleTrain() reply "epoch".
        const entry = entries.get(msg.id);
        const waiter = entry && entry.trainWaiters.get(msg.id);
        if (!waiter) break;
        entries.delete(msg.id);
        entry.trainWaiters.delete(msg.id);
        waiter.resolve(msg.state);
        break;
      }
      case "error": {
        // Counterpart: worker.js boot() fatal "error", handleState() and handleTrain()
        // per-request "error".
        if (msg.fatal) {
          fatal(msg.message || "Python failed to start.");
          break;
        }
        const entry = entries.get(msg.id);
        if (!entry) break;
        entries.delete(msg.id);
        failWidget(entry, msg.message || "the computation failed.");
        break;
      }
      default:
        break;
    }
  });

  worker.addEventListener("error", (event) => {
    event.preventDefault();
    const detail = event.message
      ? event.message
      : "the Python worker script failed to load (check that _kd/static/worker.js and " +
        "_kd/pyodide/pyodide.mjs are present and served as JavaScript).";
    fatal(`${detail} ${HOW_TO_FIX}`);
  });

  worker.addEventListener("messageerror", () => {
    fatal("a message from the Python worker could not be read.");
  });

  for (const root of roots) {
    const name = root.dataset.kdWidget;
    const entry = {
      root,
      name,
      config: null,
      status: root.querySelector("[data-kd-status]"),
      state: "loading",
      mounted: false,
      inflightId: null,
      inflightWaiters: [],
      pending: null,
      trainWaiters: new Map(), // request id -> {resolve, reject} of api.train calls
      hooks: null,
    };
    all.push(entry);
    root.dataset.kdState = "loading";
    setStatus(entry, "Loading Python…");
    try {
      entry.config = JSON.parse(root.dataset.kdConfig || "{}");
    } catch (err) {
      failWidget(entry, `its configuration is not valid JSON (${err.message}).`);
      continue;
    }
  }

  // Import each widget type once; mount every instance of it.
  const byName = new Map();
  for (const entry of all) {
    if (entry.state === "error") continue;
    if (!byName.has(entry.name)) byName.set(entry.name, []);
    byName.get(entry.name).push(entry);
  }
  for (const [name, group] of byName) {
    import(new URL(`./widgets/${encodeURIComponent(name)}.js`, import.meta.url).href).then(
      (module) => {
        for (const entry of group) {
          if (entry.state === "error") continue;
          try {
            entry.hooks = module.mount(entry.root, {
              compute: (controls) => compute(entry, controls),
              train: (controls, options) => train(entry, controls, options),
            }) || null;
            entry.mounted = true;
            maybeReady(entry, workerReady);
          } catch (err) {
            failWidget(entry, `the widget script failed (${err && err.message}).`);
          }
        }
      },
      (err) => {
        for (const entry of group) {
          failWidget(entry, `the script for widget "${name}" failed to load (${err && err.message}).`);
        }
      },
    );
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}
