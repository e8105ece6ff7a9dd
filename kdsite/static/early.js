// Start the page's Python worker as early as possible. The page loads this module with
// `async` before its stylesheets, so Pyodide starts booting while the browser is still
// fetching styles and parsing the page, and `blocking="render"`, so the browser does not first
// lay out and paint the page while this waits (tests/browser/test_early_start.py): it must stay
// quick, one Worker and a few elements. runtime.js, which runs only after parsing, adopts the
// worker through supervisor.js. Until then every event the worker sends is kept, so none
// is lost. It imports nothing statically, so that nothing is fetched before the worker starts.
// With Save-Data on (navigator.connection.saveData, the browser's data saver), nothing starts
// here: runtime.js starts Python on the reader's first use of a widget instead.
// The download of the runtime's WebAssembly is begun before this runs, by an inline script of the
// page, unless an earlier visit kept it (takeFirstDownload); this script starts the worker, then
// fetches the scripts the workers load once the wasm's request is made; its decoder threads
// follow as soon as the scripts they need arrive, and the wasm's is handed that download.

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

/**
 * The download of the boot's first file, the runtime's WebAssembly, that the page's inline script
 * began as it was parsed (inline/first-download.js; kdsite/render.py), taken once: {url,
 * response, asked, cancel(), cancelled} or null (none begun: a page opened from disk, Save-Data
 * on, an opaque origin, or a host's policy that refused the script). `response` is a Promise of
 * {response, waitedMs} (waitedMs: how long the request waited for its answer), or of null when
 * there is no download (an earlier visit's copy was found); `asked` resolves once the request is
 * made, or known not to be; cancel() stops it, also before its answer. decoders.js hands it to
 * the wasm's decoder thread (offerDownload), which would ask for the file only once its scripts,
 * and those of this script's import of decoders.js, have arrived: ~0.8 s later on a mobile link
 * (measured, `make bench`).
 */
function takeFirstDownload() {
  const key = Symbol.for("kdsite.firstDownload");
  const download = self[key] || null;
  delete self[key];
  return download;
}

const firstDownload = takeFirstDownload();
if (location.protocol !== "file:" && !PYTHON_ON_FIRST_USE) {
  try {
    const worker = new Worker(WORKER_URL, WORKER_OPTIONS);
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
// No worker started here (see above): nothing would take the download.
if (!early && firstDownload) firstDownload.cancel();

/** Hand over the worker started early, once: {worker, events, firstDownload, stopKeeping()} or null. */
export function adoptEarlyWorker() {
  const adopted = early;
  early = null;
  return adopted;
}
