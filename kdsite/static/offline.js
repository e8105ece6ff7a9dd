// Register the site's service worker (sw.js at the site root, any sub-path) and say when the
// whole site is available offline. Counterpart: the service worker, sw.js.
// The worker precaches every file of the site (Pyodide included, ~20 MB hashed). That work
// slowed a page that started meanwhile by ~0.4 s (measured with make bench), so the worker is
// registered only once this page's widgets have settled and the page has not been busy
// (busy.js: used by the reader, showing new numbers) for a while, and the browser is idle: a
// reader who opens the next page at once gets it at full speed, offline comes a little later.
// On a 2-core machine the precache running under a dragged slider took its p95 from 12 to
// 15-17 ms (bench/slider.js, training.html). Once it runs, it pauses between files whenever any
// page of the site is busy (busy.js, sw.js).
// On a metered connection (Save-Data on, or a cellular or slow link) it is not registered at all
// until the connection is unmetered, and the page says so.
import { quiet, settled } from "./busy.js";

const indicator = document.querySelector("[data-kd-offline]");
const READY_TEXT = indicator ? indicator.textContent : "";
const root = new URL("../../", import.meta.url);
const QUIET_MS = 5000; // wait until the page has not been busy (busy.js) this long, and for an idle moment

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
  settled
    .then(() => quiet(QUIET_MS))
    .then(unmetered)
    .then(() => quiet(QUIET_MS)) // again: the connection may have changed long after
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
