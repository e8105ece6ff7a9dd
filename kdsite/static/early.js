// Start the page's Python worker as early as possible. The page loads this module with
// `async` before its stylesheets, so Pyodide starts booting while the browser is still
// fetching styles and parsing the page; runtime.js, which runs only after parsing, adopts
// the worker through supervisor.js. Until then every event the worker sends is kept, so none
// is lost. It imports nothing, so that nothing is fetched before the worker starts.

/** The Python worker's script; supervisor.js starts it again from here after a crash. */
export const WORKER_URL = new URL("./worker.js", import.meta.url);

let early = null;

if (location.protocol !== "file:") {
  try {
    const worker = new Worker(WORKER_URL, { type: "module" });
    const events = [];
    const keep = (event) => {
      if (event.type === "error") event.preventDefault(); // reported by the supervisor instead
      events.push(event);
    };
    for (const type of ["message", "error", "messageerror"]) worker.addEventListener(type, keep);
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
