// Start the page's Python worker as early as possible. The page loads this module with
// `async` before its stylesheets, so Pyodide starts booting while the browser is still
// fetching styles and parsing the page, and `blocking="render"`, so the browser does not first
// lay out and paint the page while this waits (tests/browser/test_early_start.py): it must stay
// quick, one Worker and a few elements. runtime.js, which runs only after parsing, adopts the
// worker through supervisor.js. Until then every event the worker sends is kept, so none
// is lost. It imports nothing statically, so that nothing is fetched before the worker starts.
// With Save-Data on (navigator.connection.saveData, the browser's data saver), nothing starts
// here: runtime.js starts Python on the reader's first use of a widget instead.
// Only the worker is started before anything else is fetched; then the download of the
// runtime's WebAssembly (startFirstDownload, once a quick look in Cache Storage found no copy)
// and the scripts the workers load; its decoder threads follow as soon as the scripts they
// need arrive, and the wasm's is handed that download.

/** The Python worker's script; supervisor.js starts it again from here after a crash. */
export const WORKER_URL = new URL("./worker.js", import.meta.url);

/** Pyodide 0.27 picks its WebAssembly by `navigator.platform` ("iPad"…), but an iPad in
 * desktop mode says "MacIntel", and Pyodide then fails on iPadOS 18.3.1+ (pyodide#5670). Only
 * the page can tell (maxTouchPoints; a worker's navigator lacks it), so it names the worker
 * and worker.js corrects `navigator.platform` before Pyodide loads. */
const APPLE_TOUCH = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
  (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);

/** The options every Python worker is started with (its name tells it about the device). */
export const WORKER_OPTIONS = { type: "module", name: APPLE_TOUCH ? "kdsite-apple-touch" : "kdsite" };

/** True when Python should wait for the reader's first use of a widget: served over the
 * network (not from disk) to a reader whose browser asks to save data. */
export const PYTHON_ON_FIRST_USE = location.protocol !== "file:" &&
  Boolean(self.navigator && navigator.connection && navigator.connection.saveData);

let early = null;

/** Ask for every script the Python worker and its decoder threads will load, all at once: a
 * worker fetches its module graph one level at a time, a round trip each (~0.5 s on a mobile
 * link before Pyodide's first byte); fetched now, the workers find them in the HTTP cache. The
 * build lists them (kdsite/boot_modules.py) on this script's element, relative to `_kd/`. */
function preloadBootModules() {
  const script = document.querySelector("script[data-kd-boot-modules]");
  if (!script) return;
  for (const path of script.dataset.kdBootModules.split(" ").filter(Boolean)) {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = new URL(`../${path}`, import.meta.url).href;
    document.head.append(link);
  }
}

// boot-fetch.js' DECODED_CACHE (tests/unit/test_boot_modules.py checks they agree): this script
// imports nothing, so that nothing is fetched before the worker starts.
const DECODED_CACHE = "kdsite:decoded";

/**
 * Start the boot's first download, the runtime's WebAssembly (`data-kd-first-download` on this
 * script's element: its .xz, relative to `_kd/`), from the page, now: the decoder thread that
 * would ask for it starts only once its scripts, and those of the page's own import of
 * decoders.js, have arrived, about 0.8 s later on a mobile link, where the link meanwhile carries
 * only small scripts (measured, `make bench`). decoders.js hands the download to that decoder
 * (offerDownload). Not when an earlier visit kept the decompressed file: the decoder then uses
 * that copy, and a reader's data plan is spent on nothing. The lookup is looser than the
 * decoder's own (boot-fetch.js' keptCopyPresent: a copy of any build will do), as it only
 * decides whether to begin early: a copy that turns out not to be the build's costs this head
 * start, once. Returns {url, response, asked, cancel(), cancelled}
 * (response: a Promise of {response, waitedMs}, waitedMs how long the request waited for its
 * answer, or of null when there is no download; `asked`, a Promise that resolves once the request
 * is made, or known not to be; cancel() stops it, also before its answer) or null.
 */
function startFirstDownload() {
  const script = document.querySelector("script[data-kd-first-download]");
  if (!script || !script.dataset.kdFirstDownload) return null;
  const url = new URL(`../${script.dataset.kdFirstDownload}`, import.meta.url);
  const kept = new URL(url.href.replace(/\.xz$/, ""));
  const stop = new AbortController();
  // The decoded cache only (boot-fetch.js' DECODED_CACHE): the service worker's may be busy
  // writing its precache. (A Cache Storage that never answered would stall the decoders' own
  // lookup, boot-fetch.js' keptCopyPresent, as much.)
  const found = Promise.resolve()
    .then(() => (self.caches ? caches.match(kept.href, { cacheName: DECODED_CACHE }) : null))
    .catch(() => null); // no Cache Storage here (e.g. an opaque origin): no copy either
  const download = () => {
    const asked = performance.now();
    const answered = fetch(url, { priority: "high", signal: stop.signal });
    return answered.then((response) => ({ response, waitedMs: performance.now() - asked }));
  };
  const response = found.then((copy) => (copy || stop.signal.aborted ? null : download()));
  response.catch(() => {}); // the decoder downloads the file itself
  const asked = found.then(() => {}); // after response's: the request has been made, or will not be
  return {
    url: url.href,
    response,
    asked,
    cancel: () => stop.abort(),
    get cancelled() {
      return stop.signal.aborted;
    },
  };
}

if (location.protocol !== "file:" && !PYTHON_ON_FIRST_USE) {
  try {
    const worker = new Worker(WORKER_URL, WORKER_OPTIONS);
    let firstDownload = null;
    try {
      firstDownload = startFirstDownload(); // after: worker.js is asked for first
    } catch {
      // no head start: the decoder downloads the file itself
    }
    // Everything else this script fetches comes after the wasm's request: over HTTP/1.1 (six
    // connections to a host) the scripts would otherwise go first and hold it back by two
    // round trips (measured, mobile link: asked for at 1.2 s, not 0.7 s).
    const afterIt = firstDownload ? firstDownload.asked : Promise.resolve();
    afterIt.then(preloadBootModules);
    const events = [];
    const keep = (event) => {
      if (event.type === "error") event.preventDefault(); // reported by the supervisor instead
      events.push(event);
    };
    for (const type of ["message", "error", "messageerror"]) worker.addEventListener(type, keep);
    // Its decoder threads (decoders.js) start once the wasm's request is made, with the files
    // boot-files.js lists: the downloads then begin while the worker is still loading its own
    // scripts. The worker's request for them (it asks, also before it is adopted) is answered
    // once they have started. The wasm's download goes to its decoder, whoever starts it
    // (supervisor.js offers it too, when it adopts the worker).
    const decoders = afterIt.then(() => import("./decoders.js"));
    if (firstDownload) decoders.then((module) => module.offerDownload(worker, firstDownload), firstDownload.cancel);
    const jobs = afterIt.then(() => Promise.all([import("./boot-fetch.js"), import("../pyodide/boot-files.js")])).then(
      ([bootFetch, files]) => bootFetch.bootJobs(files.BOOT_FILES, new URL("../pyodide/", WORKER_URL).href),
      () => null, // no precompressed files (or no boot-files.js): the worker fetches the originals
    );
    Promise.all([decoders, jobs]).then(([module, list]) => {
      if (list) module.startDecoders(worker, list);
      else if (firstDownload) firstDownload.cancel(); // no decoders: the worker fetches the originals
      module.serveDecoders(worker, events);
    }, () => firstDownload && firstDownload.cancel());
    early = {
      worker,
      events,
      firstDownload,
      stopKeeping() {
        for (const type of ["message", "error", "messageerror"]) worker.removeEventListener(type, keep);
      },
    };
  } catch {
    // e.g. a frame sandboxed without allow-same-origin: the supervisor tries again and says why.
  }
}

/** Hand over the worker started early, once: {worker, events, firstDownload, stopKeeping()} or null. */
export function adoptEarlyWorker() {
  const adopted = early;
  early = null;
  return adopted;
}
