// Register the site's service worker (sw.js at the site root, any sub-path) and say when the
// whole site is available offline. Counterpart: the service worker, sw.js.
// The worker precaches every file of the site (Pyodide included, ~20 MB hashed). That work
// slowed a page that started meanwhile by ~0.4 s (measured with make bench), so the worker is
// registered only once this page's widgets have settled and the browser has been idle a while:
// a reader who opens the next page at once gets it at full speed, offline comes a little later.
const indicator = document.querySelector("[data-kd-offline]");
const root = new URL("../../", import.meta.url);
const SETTLE_LIMIT_MS = 30000; // register anyway if a widget never settles
const QUIET_MS = 5000; // then wait this long, and for an idle moment

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

if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
  widgetsSettled()
    .then(() => new Promise((resolve) => setTimeout(resolve, QUIET_MS)))
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
    indicator.dataset.kdOffline = "ready";
  });
}
