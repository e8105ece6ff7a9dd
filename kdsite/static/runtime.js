// kdsite runtime (main thread). Finds the page's widgets, mounts their scripts and keeps
// each widget's state; Python never runs here. Requests go through client.js to ONE module
// Web Worker (worker.js, the messages in protocol.js), which supervisor.js keeps alive: a
// crashed or hung worker is replaced (with back-off) and unanswered requests are sent again;
// meanwhile every live widget is back in "loading" and says why. Everything is located
// relative to this file's URL, so the site works under any sub-path and never contacts
// another host.
//
// Widget root data-kd-state: "static" (pre-rendered, set by the template) -> "loading"
// -> "ready"; back to "loading" while a crashed worker restarts; "error" when the widget
// cannot go live (its own request failed, or Python cannot run), with the reason in its
// [data-kd-status]. Time limits (test hooks on <html>, milliseconds): data-kd-timeout-ms
// for Python to start (default 60 s), data-kd-request-timeout-ms for a busy worker's silence
// (default 30 s).
//
// A widget module's mount(root, api) gets api.compute(controls) -> Promise<state> (coalesced:
// only the latest controls are computed) and api.train(controls, {epochs, restart}) ->
// Promise<state> (never coalesced: every request is answered in order; the widget keeps one
// outstanding). mount() may return hooks {ready(), failed()}, called when the widget goes live
// (again, after a restart) or fails.
//
// With Save-Data on (early.js' PYTHON_ON_FIRST_USE) the widgets stay "static", controls on, and
// say that Python starts when the reader uses one; the first pointerdown, focus or key press in
// any widget starts it (then every widget goes "loading" -> "ready" as above).

import { createClient } from "./client.js";
import { PYTHON_ON_FIRST_USE } from "./early.js";
import { superviseWorker } from "./supervisor.js";

const DEFAULT_BOOT_MS = 60000;
const DEFAULT_REQUEST_MS = 30000;

const STILL_VISIBLE = "The figure still shows its last computed values.";
const FIRST_USE_TEXT = "Your browser asks to save data, so Python (a few MB) starts only when you use " +
  "a widget: touch, click or focus one of its controls. Until then the figure shows the values " +
  "computed when the site was built.";
const FIRST_USES = ["pointerdown", "focusin", "keydown"];

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

/** The widget cannot go live: say why, turn its controls off, reject what it waits for. */
function failWidget(entry, message) {
  if (entry.state === "error") return;
  entry.state = "error";
  entry.root.dataset.kdState = "error";
  setControlsEnabled(entry, false);
  const sentence = /[.!?]$/.test(message) ? message : `${message}.`; // e.g. a Python exception
  setStatus(entry, `Interactive version unavailable: ${sentence} ${STILL_VISIBLE}`);
  if (entry.channel) entry.channel.close(new Error(message));
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

/** A mounted widget goes live once Python is ready. */
function maybeReady(entry, pythonReady) {
  if (entry.state !== "loading" || !pythonReady || !entry.mounted) return;
  entry.state = "ready";
  entry.root.dataset.kdState = "ready";
  setStatus(entry, "Interactive version ready.");
  setControlsEnabled(entry, true);
  callHook(entry, "ready");
}

/** Return the widget state of one [data-kd-widget] root, now "loading" (or "error"). */
function openWidget(root) {
  const entry = {
    root,
    name: root.dataset.kdWidget,
    config: null,
    status: root.querySelector("[data-kd-status]"),
    state: "loading",
    mounted: false,
    channel: null, // client.js channel, once the configuration is read
    hooks: null,
  };
  root.dataset.kdState = "loading";
  setStatus(entry, "Loading Python…");
  try {
    entry.config = JSON.parse(root.dataset.kdConfig || "{}");
  } catch (err) {
    failWidget(entry, `its configuration is not valid JSON (${err.message}).`);
  }
  return entry;
}

/** Import each widget type once and mount every instance of it; returns at once. */
function mountWidgets(entries, isPythonReady) {
  const byName = new Map();
  for (const entry of entries) {
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
            const { compute, train } = entry.channel;
            entry.hooks = module.mount(entry.root, { compute, train }) || null;
            entry.mounted = true;
            maybeReady(entry, isPythonReady());
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

/** Save-Data: keep the pre-rendered widgets ("static") with their controls on, say why, and
 * call `go` once, on the first pointerdown, focus or key press inside any widget. */
function waitForFirstUse(roots, go) {
  for (const root of roots) {
    for (const control of root.querySelectorAll("[data-kd-control]")) control.disabled = false;
    const status = root.querySelector("[data-kd-status]");
    if (status) status.textContent = FIRST_USE_TEXT;
    root.dataset.kdPython = "on-first-use";
  }
  const onUse = (event) => {
    if (!(event.target instanceof Element) || !event.target.closest("[data-kd-widget]")) return;
    for (const type of FIRST_USES) document.removeEventListener(type, onUse, true);
    go();
  };
  for (const type of FIRST_USES) document.addEventListener(type, onUse, true);
}

function start() {
  // From disk this runs only from _kd/file/ (local-file.js loads it; import.meta.kdFile is set
  // there), never as a module a browser might allow from file://, so it never starts twice.
  if (location.protocol === "file:" && !import.meta.kdFile) return;
  const roots = Array.from(document.querySelectorAll("[data-kd-widget]"));
  if (roots.length === 0) return;
  if (PYTHON_ON_FIRST_USE) waitForFirstUse(roots, () => goLive(roots));
  else goLive(roots);
}

/** Open every widget ("loading"), start (or adopt) the Python worker and mount the widgets. */
function goLive(roots) {
  for (const root of roots) delete root.dataset.kdPython;
  const entries = roots.map(openWidget);

  let pythonReady = false;
  // Requests are posted only once widgets are mounted, after the supervisor exists.
  const client = createClient((request) => python.post(request));
  for (const entry of entries) {
    if (entry.state === "error") continue;
    // `run` names the Python-side training run kept between requests.
    const target = { widget: entry.name, config: entry.config, run: entry.root.id || entry.name };
    entry.channel = client.channel(target, (message) => failWidget(entry, message));
  }

  const python = superviseWorker({
    progress(text) {
      for (const entry of entries) if (entry.state === "loading") setStatus(entry, `${text}…`);
    },
    ready() {
      pythonReady = true;
      for (const entry of entries) maybeReady(entry, pythonReady);
    },
    restarting(reason, delayMs) {
      pythonReady = false;
      const text = `Restarting Python in ${Math.round(delayMs / 100) / 10} s: ${reason}.`;
      for (const entry of entries) waitForRestart(entry, text);
    },
    answer: client.answer,
    unanswered: client.unanswered,
    fatal(message) {
      for (const entry of entries) failWidget(entry, message);
    },
  }, {
    bootMs: limitMs("kdTimeoutMs", DEFAULT_BOOT_MS),
    requestMs: limitMs("kdRequestTimeoutMs", DEFAULT_REQUEST_MS),
  });

  mountWidgets(entries, () => pythonReady);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}
