// Register the site's service worker (sw.js at the site root, any sub-path) and say when the
// whole site is available offline. Counterpart: the service worker, sw.js.
// The worker precaches every file of the site (Pyodide included, ~20 MB hashed). That work
// slowed a page that started meanwhile by ~0.4 s (measured with make bench), so the worker is
// registered only once this page's widgets have settled and the page has been quiet a while:
// a reader who opens the next page at once gets it at full speed, offline comes a little later.
// Nor while the page is in use: on a 2-core machine the precache running under a dragged slider
// took its p95 from 12 to 15-17 ms (bench/slider.js, training.html). And once it runs, every
// page of the site says when it is busy (BUSY_CHANNEL), and the precache waits between files
// until none has been for a while: a reader who comes back to the slider, presses Play or opens
// another chapter gets the cores back within one file.
// On a metered connection (Save-Data on, or a cellular or slow link) it is not registered at all
// until the connection is unmetered, and the page says so.
const indicator = document.querySelector("[data-kd-offline]");
const READY_TEXT = indicator ? indicator.textContent : "";
const root = new URL("../../", import.meta.url);
const SETTLE_LIMIT_MS = 30000; // register anyway if a widget never settles
const QUIET_MS = 5000; // then wait until the page has not been busy this long, and for an idle moment
// What the reader does with a page: any of these makes it busy.
const READER_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "input", "click"];
// sw.js listens here; it pauses its precache for its own QUIET_MS after each message.
const BUSY_CHANNEL = "kdsite:busy";
const BUSY_EVERY_MS = 1000; // while busy, say so at most this often (the worker needs no more)

let lastBusy = performance.now();
let lastSaid = -Infinity;
let channel = null; // to sw.js, once watchBusy() runs

/** The page is in use now: restart the quiet wait, and tell the service worker (throttled). */
function busy() {
  lastBusy = performance.now();
  if (channel && lastBusy - lastSaid >= BUSY_EVERY_MS) {
    lastSaid = lastBusy;
    channel.postMessage("busy");
  }
}

/** The page is busy while the reader uses it (READER_EVENTS) and while a widget shows new
 * numbers (a readout's data-value changes: a moved slider, but also a training run after Play,
 * which needs no further input), and while its widgets start (until `settled` resolves). */
function watchBusy(settled) {
  try {
    channel = new BroadcastChannel(BUSY_CHANNEL);
  } catch {
    // No BroadcastChannel (older Safari): the precache, once started, does not pause.
  }
  for (const type of READER_EVENTS) window.addEventListener(type, busy, { capture: true, passive: true });
  const observer = new MutationObserver(busy);
  for (const widget of document.querySelectorAll("[data-kd-widget]")) {
    observer.observe(widget, { subtree: true, attributes: true, attributeFilter: ["data-value"] });
  }
  busy();
  const starting = setInterval(busy, BUSY_EVERY_MS);
  settled.then(() => clearInterval(starting));
}

/** Resolve once `ms` have passed with the page not busy (watchBusy). */
function quiet(ms) {
  return new Promise((resolve) => {
    const check = () => {
      const left = lastBusy + ms - performance.now();
      if (left <= 0) resolve();
      else setTimeout(check, left);
    };
    check();
  });
}

/** Resolve once every widget is ready or failed (runtime.js sets data-kd-state), or at once. */
function widgetsSettled() {
  const widgets = Array.from(document.querySelectorAll("[data-kd-widget]"));
  const settled = () => widgets.every((w) => w.dataset.kdState === "ready" || w.dataset.kdState === "error");
  if (settled()) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (settled()) done();
    });
    const timer = setTimeout(done, SETTLE_LIMIT_MS);
    function done() {
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    }
    for (const widget of widgets) observer.observe(widget, { attributes: true, attributeFilter: ["data-kd-state"] });
  });
}

/** True while the reader's data is precious: Save-Data is on, or the browser says the link is
 * cellular or slow. Browsers that say nothing (most desktop ones) count as unmetered. */
export function metered(connection = navigator.connection) {
  if (!connection) return false;
  return Boolean(connection.saveData) || connection.type === "cellular" ||
    ["slow-2g", "2g", "3g"].includes(connection.effectiveType);
}

/** Resolve once the connection is not metered (at once if it is not now). */
function unmetered() {
  const connection = navigator.connection;
  if (!metered(connection)) return Promise.resolve();
  return new Promise((resolve) => {
    connection.addEventListener("change", function check() {
      if (metered(connection)) return;
      connection.removeEventListener("change", check);
      resolve();
    });
  });
}

if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
  // Never on a metered link: the offline copy is the whole site (~10 MB). The page says so.
  if (indicator && metered()) {
    indicator.hidden = false;
    indicator.dataset.kdOffline = "metered";
    indicator.textContent = "Not saved for offline reading: your browser asks to save data, or the " +
      "connection is metered. It will be once you are on an unmetered connection.";
  }
  const settled = widgetsSettled();
  watchBusy(settled);
  settled
    .then(() => quiet(QUIET_MS))
    .then(unmetered)
    .then(() => new Promise((resolve) =>
      "requestIdleCallback" in window ? requestIdleCallback(resolve, { timeout: QUIET_MS }) : resolve()))
    .then(() =>
      navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.href }).catch(() => {
        // No offline copy (e.g. a private window); the site works online all the same.
      }),
    );
  // "ready" resolves once a worker is active, i.e. after it precached every file.
  navigator.serviceWorker.ready.then(() => {
    if (!indicator) return;
    indicator.hidden = false;
    indicator.textContent = READY_TEXT;
    indicator.dataset.kdOffline = "ready";
  });
}
