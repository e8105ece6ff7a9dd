// Inline in the <head> of every page with widgets (kdsite/render.py): begins the runtime's
// download as the page is parsed, one round trip before early.js could; early.js takes it.
(() => {
  // As early.js: no Python worker from disk, nor before a widget is used when saving data, nor
  // in a frame sandboxed into an opaque origin (it cannot start one).
  const saveData = navigator.connection && navigator.connection.saveData;
  if (location.protocol === "file:" || saveData || self.origin === "null") return;
  const url = new URL(document.currentScript.dataset.kdRuntimeDownload, document.baseURI);
  const kept = url.href.replace(/\.xz$/, "");
  const stop = new AbortController();
  // An earlier visit kept the file decompressed (boot-fetch.js' DECODED_CACHE): not downloaded.
  const found = Promise.resolve()
    .then(() => (self.caches ? caches.match(kept, { cacheName: "kdsite:decoded" }) : null))
    .catch(() => null); // no Cache Storage here (some private windows): no copy either
  const download = () => {
    const asked = performance.now();
    const answered = fetch(url, { priority: "high", signal: stop.signal });
    return answered.then((response) => ({ response, waitedMs: performance.now() - asked }));
  };
  const response = found.then((copy) => (copy || stop.signal.aborted ? null : download()));
  response.catch(() => {}); // the decoder downloads the file itself
  const key = Symbol.for("kdsite.firstDownload");
  self[key] = {
    url: url.href,
    response,
    asked: found.then(() => {}), // after response's: the request has been made, or will not be
    cancel: () => stop.abort(),
    get cancelled() {
      return stop.signal.aborted;
    },
  };
  // early.js, an async script, runs before the load event: if it has not taken this, it failed.
  addEventListener("load", () => self[key] && self[key].cancel(), { once: true });
})();
