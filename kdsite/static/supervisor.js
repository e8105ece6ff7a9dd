// Keeps runtime.js's ONE Python worker (worker.js) alive. A worker that crashes (an uncaught
// error once its script ran, a message that cannot be read, a Pyodide fatal error it reports
// as "crashed") or hangs (silent for the request time limit while a request is unanswered)
// is terminated, and a fresh one starts after a back-off of 0.5 s, 1 s, 2 s, 4 s; every
// request still unanswered is sent to it again. The supervisor gives up (handlers.fatal) after
// MAX_RESTARTS restarts in a row, and at once on what a restart cannot fix: the script did
// not load, Python could not start (the worker's fatal "error"), or it did not start in time.

import { HOW_TO_FIX } from "./advice.js";
import { endDecoders, offerDownload, serveDecoders } from "./decoders.js";
import { adoptEarlyWorker, WORKER_OPTIONS, WORKER_URL } from "./early.js";
import { isAnswer, MSG } from "./protocol.js";

const MAX_RESTARTS = 4;
const FIRST_DELAY_MS = 500;
// A worker that has been ready this long has proved itself: the restart count starts again.
// Crash loops caused by one request repeat within seconds, so they still run out.
const STABLE_MS = 60000;

const seconds = (ms) => `${Math.round(ms / 100) / 10} s`;

/** A new Python worker: worker.js as a module worker; from disk (file://), where those cannot
 * start, the same worker.js from a Blob, made by _kd/file/boot.js (which sets self.kdFile). */
function startWorker() {
  const file = self.kdFile && self.kdFile.startWorker;
  return file ? file(WORKER_OPTIONS.name) : new Worker(WORKER_URL, WORKER_OPTIONS);
}

/**
 * Start the worker; return {post(request)} (protocol.js Request). Every Answer goes to
 * handlers.answer(msg), which says whether it answered a request still unanswered.
 * handlers: progress(text), ready(), restarting(reason, delayMs), answer(msg) -> boolean,
 * unanswered() -> [Request] (sent again to a new worker), fatal(message).
 * limits: {bootMs, requestMs}.
 */
export function superviseWorker(handlers, limits) {
  let worker = null;
  let heard = false; // the current worker has posted something, so its script ran
  let ready = false;
  let readyAt = 0;
  let restarts = 0;
  let over = false;
  let bootTimer = 0;
  let watchdog = 0;
  let retryTimer = 0;

  function stop() {
    clearTimeout(bootTimer);
    clearTimeout(retryTimer);
    disarm();
    if (worker) {
      worker.terminate();
      endDecoders(worker);
    }
    worker = null;
    ready = false;
  }

  function giveUp(message) {
    if (over) return;
    over = true;
    stop();
    handlers.fatal(message);
  }

  function restart(reason) {
    if (over) return;
    if (ready && performance.now() - readyAt >= STABLE_MS) restarts = 0;
    stop();
    if (restarts >= MAX_RESTARTS) {
      giveUp(`the Python worker stopped ${restarts + 1} times in a row (last: ${reason}).`);
      return;
    }
    const delay = FIRST_DELAY_MS * 2 ** restarts;
    restarts += 1;
    handlers.restarting(reason, delay);
    retryTimer = setTimeout(spawn, delay);
  }

  // The watchdog runs while Python is ready and owes an answer; every answer restarts it.
  function arm() {
    if (!watchdog && ready && handlers.unanswered().length) {
      watchdog = setTimeout(() => restart(`Python did not answer within ${seconds(limits.requestMs)}`),
        limits.requestMs);
    }
  }

  function disarm() {
    clearTimeout(watchdog);
    watchdog = 0;
  }

  function onMessage(msg) {
    heard = true;
    if (isAnswer(msg)) {
      if (!handlers.answer(msg)) return;
      disarm();
      arm();
      return;
    }
    switch (msg.type) {
      case MSG.PROGRESS:
        handlers.progress(msg.text);
        break;
      case MSG.READY:
        ready = true;
        readyAt = performance.now();
        clearTimeout(bootTimer);
        handlers.ready();
        arm();
        break;
      case MSG.CRASHED:
        restart(msg.message || "Python crashed");
        break;
      case MSG.ERROR: // fatal: an Answer was handled above
        giveUp(msg.message || "Python failed to start.");
        break;
      default:
        break;
    }
  }

  function spawn() {
    heard = false;
    readyAt = 0;
    // The first worker may already be booting (early.js); restarts always start a new one.
    const adopted = restarts === 0 && !worker ? adoptEarlyWorker() : null;
    let mine;
    try {
      mine = adopted ? adopted.worker : startWorker();
    } catch (err) {
      // A frame sandboxed without allow-same-origin has an opaque origin, and the browser
      // refuses it a worker: say so instead of loading forever.
      giveUp(`the browser refused to start the Python worker (${err && err.message}). If this ` +
        "widget is embedded in an iframe with a sandbox attribute, the sandbox needs both " +
        "allow-scripts and allow-same-origin.");
      return;
    }
    worker = mine;
    // The worker asks for its decoder threads; early.js may already have served an adopted one.
    // The wasm's download the page began (early.js took it) goes to them, whether early.js or
    // this starts them.
    if (adopted && adopted.firstDownload) offerDownload(mine, adopted.firstDownload);
    serveDecoders(mine, adopted ? adopted.events : []);
    // Events of a worker already replaced are ignored.
    mine.addEventListener("message", (event) => {
      if (mine === worker) onMessage(event.data || {});
    });
    mine.addEventListener("error", (event) => {
      event.preventDefault();
      if (mine !== worker) return;
      if (heard) {
        restart(`the Python worker failed (${event.message || "unknown error"})`);
      } else {
        // The script itself did not load: a restart would load the same bytes.
        giveUp(`${event.message || "the Python worker script failed to load (check that " +
          "_kd/static/worker.js and _kd/pyodide/pyodide.mjs are present and served as JavaScript)."} ${HOW_TO_FIX}`);
      }
    });
    mine.addEventListener("messageerror", () => {
      if (mine === worker) restart("a message from the Python worker could not be read");
    });
    bootTimer = setTimeout(() => {
      // Python took the whole (generous) limit to not start: most likely the server cannot
      // serve its files, which a restart would not change.
      giveUp(`Python did not start within ${Math.round(limits.bootMs / 1000)} s. ${HOW_TO_FIX}`);
    }, limits.bootMs);
    // The worker queues requests until Python is ready.
    for (const request of handlers.unanswered()) mine.postMessage(request);
    if (adopted) {
      // Replay what the worker said before it was adopted, in order, to the listeners above.
      adopted.stopKeeping();
      for (const event of adopted.events) mine.dispatchEvent(event);
    }
  }

  spawn();

  return {
    post(request) {
      if (over) return;
      if (worker) worker.postMessage(request); // otherwise the next spawn() sends it
      arm();
    },
  };
}
