// Start the page's Python worker as early as possible. The page loads this module with
// `async` before its stylesheets, so Pyodide starts booting while the browser is still
// fetching styles and parsing the page; runtime.js, which runs only after parsing, adopts
// the worker through supervisor.js. Until then every event the worker sends is kept, so none
// is lost. It imports nothing statically, so that nothing is fetched before the worker starts.
// With Save-Data on (navigator.connection.saveData, the browser's data saver), nothing starts
// here: runtime.js starts Python on the reader's first use of a widget instead.

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

if (location.protocol !== "file:" && !PYTHON_ON_FIRST_USE) {
  try {
    const worker = new Worker(WORKER_URL, WORKER_OPTIONS);
    const events = [];
    const keep = (event) => {
      if (event.type === "error") event.preventDefault(); // reported by the supervisor instead
      events.push(event);
    };
    for (const type of ["message", "error", "messageerror"]) worker.addEventListener(type, keep);
    // The worker asks the page for its decoder threads (decoders.js), also before it is adopted.
    import("./decoders.js").then((decoders) => decoders.serveDecoders(worker, events), () => {});
    early = {
      worker,
      events,
      stopKeeping() {
        for (const type of ["message", "error", "messageerror"]) worker.removeEventListener(type, keep);
      },
    };
  } catch {
    // e.g. a frame sandboxed without allow-same-origin: the supervisor tries again and says why.
  }
}

/** Hand over the worker started early, once: {worker, events, stopKeeping()} or null. */
export function adoptEarlyWorker() {
  const adopted = early;
  early = null;
  return adopted;
}
