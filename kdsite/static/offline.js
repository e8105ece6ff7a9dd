// Register the site's service worker (sw.js at the site root, any sub-path) and say when the
// whole site is available offline. Counterpart: the service worker, sw.js.
const indicator = document.querySelector("[data-kd-offline]");
const root = new URL("../../", import.meta.url);

if ("serviceWorker" in navigator && location.protocol.startsWith("http")) {
  navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.href }).catch(() => {
    // No offline copy (e.g. a private window); the site works online all the same.
  });
  // "ready" resolves once a worker is active, i.e. after it precached every file.
  navigator.serviceWorker.ready.then(() => {
    if (!indicator) return;
    indicator.hidden = false;
    indicator.dataset.kdOffline = "ready";
  });
}
