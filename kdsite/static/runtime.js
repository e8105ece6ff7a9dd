// kdsite runtime (main thread). Finds the page's widgets, starts ONE module Web Worker
// that runs Python (Pyodide + numpy + kdsite), and routes compute requests to it.
// Python never runs here. Everything is located relative to this file's URL, so the
// site works under any sub-path and never contacts another host. supervisor.js keeps the
// worker alive: a crashed or hung worker is replaced (with back-off) and unanswered requests
// are sent again; meanwhile every live widget is back in "loading" and says why.
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
//                      {type: "crashed", message}               (Pyodide died: restart me)
//
// Widget root data-kd-state: "static" (pre-rendered, set by the template) -> "loading"
// -> "ready"; back to "loading" while a crashed worker restarts; "error" when the widget
// cannot go live (its own request failed, or Python cannot run), with the reason in its
// [data-kd-status]. Time limits (test hooks on <html>, milliseconds): data-kd-timeout-ms
// for Python to start (default 60 s), data-kd-request-timeout-ms for a busy worker's silence
// (default 30 s).
//
// Widgets get api.compute(controls) -> Promise<state> (coalesced: only the latest controls
// are computed) and api.train(controls, {epochs, restart}) -> Promise<state> (never
// coalesced: every request is answered in order; the widget keeps one outstanding).
// A widget's mount() may return hooks {ready(), failed()}, called when it goes live (again,
// after a restart) or fails.

import { superviseWorker } from "./supervisor.js";

const DEFAULT_BOOT_MS = 60000;
const DEFAULT_REQUEST_MS = 30000;

const STILL_VISIBLE = "The figure still shows its last computed values.";

/** Return the time limit set on <html> as data-<name> (a test hook), else `fallback`. */
function limitMs(name, fallback) {
  const raw = document.documentElement.dataset[name];
  const value = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(value) && value > 0 ? value : fallback;
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
  const sentence = /[.!?]$/.test(message) ? message : `${message}.`; // e.g. a Python exception
  setStatus(entry, `Interactive version unavailable: ${sentence} ${STILL_VISIBLE}`);
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

/** Put a live widget back in "loading" while its worker restarts; it keeps what it shows. */
function waitForRestart(entry, text) {
  if (entry.state === "error") return;
  entry.state = "loading";
  entry.root.dataset.kdState = "loading";
  setControlsEnabled(entry, false);
  setStatus(entry, text);
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

  for (const root of roots) {
    const entry = {
      root,
      name: root.dataset.kdWidget,
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
    }
  }

  function answer(msg) {
    const entry = entries.get(msg.id);
    if (!entry) return;
    entries.delete(msg.id);
    switch (msg.type) {
      case "state": {
        // Counterpart: worker.js handleState() reply "state".
        if (entry.inflightId !== msg.id) break;
        const waiters = entry.inflightWaiters;
        finish(entry);
        for (const waiter of waiters) waiter.resolve(msg.state);
        break;
      }
      case "epoch": {
        // Counterpart: worker.js handleTrain() reply "epoch".
        const waiter = entry.trainWaiters.get(msg.id);
        if (!waiter) break;
        entry.trainWaiters.delete(msg.id);
        waiter.resolve(msg.state);
        break;
      }
      case "error":
        // Counterpart: worker.js report(): this request's Python raised; only its widget fails.
        failWidget(entry, msg.message || "the computation failed.");
        break;
      default:
        break;
    }
  }

  const python = superviseWorker(new URL("./worker.js", import.meta.url), {
    progress(text) {
      for (const entry of all) if (entry.state === "loading") setStatus(entry, `${text}…`);
    },
    ready() {
      workerReady = true;
      for (const entry of all) maybeReady(entry, workerReady);
    },
    restarting(reason, delayMs) {
      workerReady = false;
      const text = `Restarting Python in ${Math.round(delayMs / 100) / 10} s: ${reason}.`;
      for (const entry of all) waitForRestart(entry, text);
    },
    answer,
    fatal(message) {
      dead = true;
      for (const entry of all) failWidget(entry, message);
    },
  }, {
    bootMs: limitMs("kdTimeoutMs", DEFAULT_BOOT_MS),
    requestMs: limitMs("kdRequestTimeoutMs", DEFAULT_REQUEST_MS),
  });

  function send(entry, controls, waiters) {
    const id = nextId++;
    entry.inflightId = id;
    entry.inflightWaiters = waiters;
    entries.set(id, entry);
    // Counterpart: worker.js onmessage "state" (handleState).
    python.post({ type: "state", id, widget: entry.name, config: entry.config, controls });
  }

  function finish(entry) {
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
      python.post({
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
