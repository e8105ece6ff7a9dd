// Installed with add_init_script, so it runs before any script of the page. Fills
// window.__kdBench, read back by browser.py:
//   tti        performance.now() when every [data-kd-widget] turned data-kd-state="ready"
//              (kdsite pages) or <html> got data-ready (the naive peer page)
//   error      set if a widget turned data-kd-state="error"
//   longtasks  [startTime, duration] of every main-thread task over 50 ms
//   boot       when the kdsite (Python) worker was created and when it first reported each stage
(() => {
  const bench = (window.__kdBench = { tti: null, error: null, longtasks: [], boot: {} });

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // no Long Tasks API: longtasks stays empty
  }

  // Diagnostics only: time the worker's boot stages (runtime.js <- worker.js "progress"/"ready").
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      // The first Worker is the Python worker; the decoder threads the page starts later
      // (decoders.js) must not move its start.
      if ("created" in bench.boot) return;
      bench.boot.created = performance.now();
      this.addEventListener("message", (event) => {
        const msg = event.data || {};
        const stage = msg.type === "progress" ? msg.stage : msg.type;
        if (stage && !(stage in bench.boot)) bench.boot[stage] = performance.now();
      });
    }
  };

  function check() {
    if (bench.tti !== null) return;
    if (document.documentElement && document.documentElement.hasAttribute("data-ready")) {
      bench.tti = performance.now();
      return;
    }
    const states = Array.from(document.querySelectorAll("[data-kd-widget]"), (w) => w.dataset.kdState);
    if (states.includes("error")) bench.error = "a widget turned to its error state";
    else if (states.length && states.every((s) => s === "ready")) bench.tti = performance.now();
  }

  new MutationObserver(check).observe(document, {
    subtree: true,
    attributes: true,
    attributeFilter: ["data-kd-state", "data-ready"],
  });
})();
