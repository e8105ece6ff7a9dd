// This page says when it is busy, so the service worker's background precache of the whole site
// (sw.js) never takes the cores it needs: while its widgets start, whenever the reader uses it
// (a key, pointer, wheel, touch, input or click), and whenever a widget shows new numbers (a
// readout's data-value changes: a moved slider, but also a training run after Play, which needs
// no further input). sw.js waits between files until no page has been busy for a while;
// offline.js waits the same way before it registers the worker. Loaded by every page (through
// offline.js) and by every embedded widget's frame (templates/embed.html), whose reader the
// page around it cannot hear. Evaluating this module starts the watch.

/** What the reader does with a page: any of these makes it busy. */
const READER_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "input", "click"];
/** sw.js listens on this BroadcastChannel. */
const BUSY_CHANNEL = "kdsite:busy";
/** While busy, say so at most this often (sw.js allows for it). */
const BUSY_EVERY_MS = 1000;
const SETTLE_LIMIT_MS = 30000; // a widget that never settles stops counting as starting then

let lastBusy = performance.now();
let lastSaid = -Infinity;

/** Tell sw.js, on a channel opened for the one message: a page that keeps a channel open is
 * evicted from Firefox's back/forward cache whenever another page posts on it. */
function tell() {
  try {
    const channel = new BroadcastChannel(BUSY_CHANNEL);
    channel.postMessage("busy");
    channel.close();
  } catch {
    // No BroadcastChannel (Safari before 15.4, an opaque origin): the precache does not pause.
  }
}

/** The page is in use now: restart quiet()'s wait, and tell sw.js (at most every BUSY_EVERY_MS). */
function busy() {
  lastBusy = performance.now();
  if (lastBusy - lastSaid >= BUSY_EVERY_MS) {
    lastSaid = lastBusy;
    tell();
  }
}

/** Resolve once every widget is ready or failed (runtime.js sets data-kd-state), at once if
 * there is none, or after SETTLE_LIMIT_MS. */
function widgetsSettle() {
  const widgets = Array.from(document.querySelectorAll("[data-kd-widget]"));
  const done = () => widgets.every((w) => w.dataset.kdState === "ready" || w.dataset.kdState === "error");
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => done() && finish());
    const timer = setTimeout(finish, SETTLE_LIMIT_MS);
    function finish() {
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    }
    for (const widget of widgets) observer.observe(widget, { attributes: true, attributeFilter: ["data-kd-state"] });
  });
}

/** Resolves once this page's widgets are ready or failed (or after SETTLE_LIMIT_MS). */
export const settled = widgetsSettle();

/** Resolve once `ms` have passed with this page not busy. */
export function quiet(ms) {
  return new Promise((resolve) => {
    const check = () => {
      const left = lastBusy + ms - performance.now();
      if (left <= 0) resolve();
      else setTimeout(check, left);
    };
    check();
  });
}

if (location.protocol.startsWith("http")) {
  for (const type of READER_EVENTS) window.addEventListener(type, busy, { capture: true, passive: true });
  const observer = new MutationObserver(busy);
  for (const widget of document.querySelectorAll("[data-kd-widget]")) {
    observer.observe(widget, { subtree: true, attributes: true, attributeFilter: ["data-value"] });
  }
  busy();
  const starting = setInterval(busy, BUSY_EVERY_MS);
  settled.then(() => clearInterval(starting));
}
