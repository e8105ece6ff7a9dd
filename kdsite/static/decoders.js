// Decoder threads for the Python worker's downloads, started by the page. boot-fetch.js wants each
// .xz decompressed in a thread of its own (unxz-worker.js), but a worker must not start them
// itself: Firefox builds a worker's nested Worker synchronously through the page's thread, and
// now and then that never returns, leaving Python's worker stuck before Python starts. So the
// Python worker asks the page (askPageForDecoders), the page starts one decoder per file
// (serveDecoders) and hands the Python worker one MessagePort per decoder, which then talks to
// it directly (in Chromium and Firefox the ~20 MB of decompressed bytes never pass through the
// page's thread; WebKit routes port messages through it; the wasm's ~2 MB .xz does, as the page
// downloads it: relayDownload). The page ends a Python worker's decoders with it (endDecoders:
// the supervisor replaces or stops it).
// Messages, Python worker -> page: {type: DECODE, jobs: [job]} (job: boot-fetch.js' decodeJob);
// page -> Python worker: {type: DECODERS, ports: [MessagePort | null]} (null: no thread for
// that job), later {type: DECODER_FAILED, index} when a decoder failed (its script did not run,
// or it stopped with an uncaught error).
// Page -> decoder: {job, port, after, next[, download]} (boot-fetch.js' runDecoder: `after` and
// `next` are the batons by which the decoders pass the turn to download along, in the jobs'
// order; `download`, a port over which the page relays the download it began of that job's
// file: relayDownload); decoder -> port: decodeJob's messages, {checked[, bytes]} answering a
// {check} and {read, bytes} answering a {read}; port -> decoder: {go}, {stop}, {check: url},
// {download}, {read: url, sha256} (boot-fetch.js' runDecoder).

import { whenNearlyArrived } from "./arrival.js";

export const DECODE = "kdsite:decode";
export const DECODERS = "kdsite:decoders";
export const DECODER_FAILED = "kdsite:decoder-failed";
const DECODER_URL = new URL("./unxz-worker.js", import.meta.url);

// A request is served once, however many listeners see it: early.js and supervisor.js both
// serve the first worker, and supervisor.js replays its early events.
const served = new WeakSet();
const started = new WeakMap(); // Python worker -> the decoders started for it
const waiting = new WeakMap(); // Python worker -> decoders started before it asked: {urls, handOver}
const ended = new WeakSet(); // Python workers terminated: never given decoders again
const relays = new WeakMap(); // decoder -> the AbortController of the download relayed to it
const offered = new WeakMap(); // Python worker -> the download the page began, until a decoder takes it
const handled = new WeakSet(); // downloads offered once: a second offer of one changes nothing

/** End `decoder`, and the download the page relays to it, if any. */
function stop(decoder) {
  decoder.terminate();
  if (relays.has(decoder)) relays.get(decoder).abort();
}

/**
 * Relay `download` (early.js' takeFirstDownload: {response, cancel()}, response a Promise of
 * {response, waitedMs} or of null) of a file of `size` bytes over `port` to the decoder thread
 * given its other end: {status}, then (when the status is OK) {chunk} (a Uint8Array whose
 * buffer is moved, not copied) as each arrives, {nearly} once the rest should arrive within a
 * round trip (arrival.js' whenNearlyArrived, judged here, where the chunks arrive: the decoder
 * may start long after the first ones), then {end} or {error}; or {none} when there is no
 * download (a kept copy was found, or the request failed: the decoder then does as it would
 * have). After a status
 * that is not OK nothing follows. A {cancel} from the decoder stops the download, as does
 * `signal` (an AbortSignal: the decoder was ended). The page reads it as fast as it arrives, so
 * the link stays busy however long the decoder takes to start.
 */
export async function relayDownload(download, size, port, signal = undefined) {
  try {
    await relay(download, size, port, signal);
  } finally {
    port.onmessage = null; // over: a {cancel} would change nothing
  }
}

async function relay(download, size, port, signal) {
  let cancelled = false; // then no one wants to hear how it ended
  const cancel = () => void ((cancelled = true), download.cancel());
  port.onmessage = ({ data }) => data && data.cancel && cancel();
  if (signal) signal.aborted ? cancel() : signal.addEventListener("abort", cancel);
  let got = null;
  try {
    got = await download.response;
  } catch {
    // the request failed (or was cancelled): the decoder asks again, and says why if it fails again
  }
  if (cancelled) return;
  if (!got) return void port.postMessage({ none: true });
  const { response, waitedMs } = got;
  port.postMessage({ status: response.status });
  if (!response.ok) return void download.cancel();
  if (!response.body) return void port.postMessage({ end: true });
  const nearly = whenNearlyArrived(size, waitedMs, () => port.postMessage({ nearly: true }));
  const reader = response.body.getReader();
  try {
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      // Moved: a view that shares its buffer (browsers make none) is copied first, alone.
      const whole = step.value.byteOffset === 0 && step.value.byteLength === step.value.buffer.byteLength;
      const chunk = whole ? step.value : step.value.slice();
      const bytes = chunk.byteLength; // read first: moving the buffer empties the view
      port.postMessage({ chunk }, [chunk.buffer]);
      nearly(bytes);
    }
    if (!cancelled) port.postMessage({ end: true });
  } catch (err) {
    if (cancelled) return;
    download.cancel(); // it failed, or could not be passed on: nothing more will be read
    port.postMessage({ error: String((err && err.message) || err) });
  }
}

/**
 * Page side: `download`, the download the page began of one of `worker`'s boot files (its
 * takeFirstDownload: {url, response, cancel()}), goes to the decoder started for that file,
 * whoever starts it (startDecoders or a request served). It is cancelled if the decoders were
 * started already, when they are started for other files, and when `worker` ends.
 */
export function offerDownload(worker, download) {
  if (handled.has(download)) return; // offered already, by early.js or supervisor.js
  handled.add(download);
  if (started.has(worker) || ended.has(worker)) return void download.cancel();
  offered.set(worker, download);
}

/** Start one decoder per job for `worker`: {ports, handOver(ports)}; handOver() answers the
 * worker with the ports, and a decoder that failed before that is reported right after. The
 * decoder of the job whose file is the download offered for `worker` (offerDownload), if any,
 * is handed it (relayDownload); with no such job, or no such decoder, it is cancelled. */
function spawn(worker, jobs, Worker) {
  let download = offered.get(worker) || null;
  offered.delete(worker);
  if (download && download.cancelled) download = null; // cancelled while on offer: nothing to hand
  let handed = false;
  const failedEarly = [];
  const report = (index) => (handed ? worker.postMessage({ type: DECODER_FAILED, index }) : failedEarly.push(index));
  // Baton i runs from decoder i to decoder i + 1: each passes the turn to download on directly.
  const batons = jobs.slice(1).map(() => new MessageChannel());
  const ports = jobs.map((job, index) => {
    let decoder;
    try {
      decoder = new Worker(DECODER_URL, { type: "module" });
    } catch {
      return null; // e.g. an opaque origin: the Python worker decompresses this file itself
    }
    if (!started.has(worker)) started.set(worker, []);
    started.get(worker).push(decoder);
    const channel = new MessageChannel();
    decoder.addEventListener("error", (event) => {
      // Its script did not run (missing, refused), or it failed: the Python worker decompresses
      // the file itself, or fails naming it.
      event.preventDefault();
      stop(decoder);
      report(index);
    });
    const after = index > 0 ? batons[index - 1].port2 : null;
    const next = index < batons.length ? batons[index].port1 : null;
    let fed = null; // the port the page's download comes over
    if (download && job.url === download.url) {
      const feed = new MessageChannel();
      const relay = new AbortController();
      relays.set(decoder, relay);
      relayDownload(download, job.packedSize, feed.port2, relay.signal);
      fed = feed.port1;
      download = null; // taken: one decoder has it
    }
    const message = { job, port: channel.port1, after, next, ...(fed && { download: fed }) };
    decoder.postMessage(message, [channel.port1, after, next, fed].filter(Boolean));
    return channel.port2;
  });
  if (download) download.cancel(); // no job is its file, or no decoder could start
  const handOver = () => {
    worker.postMessage({ type: DECODERS, ports }, ports.filter(Boolean));
    handed = true;
    failedEarly.splice(0).forEach(report);
  };
  return { ports, handOver };
}

const urlsOf = (jobs) => jobs.map((job) => job.url).join("\n");

/** Answer one DECODE request: with the decoders started before it for the same files, else new ones. */
function serve(worker, data, Worker) {
  if (!data || data.type !== DECODE || served.has(data) || ended.has(worker)) return;
  served.add(data);
  const early = waiting.get(worker);
  waiting.delete(worker);
  if (early && early.urls === urlsOf(data.jobs)) return early.handOver();
  if (early) {
    // Started for other files: of no use.
    for (const decoder of started.get(worker)) stop(decoder);
    started.delete(worker);
  }
  spawn(worker, data.jobs, Worker).handOver();
}

/**
 * Page side: start `worker`'s decoders before it asks for them, for `jobs` (boot-fetch.js'
 * bootJobs), so the downloads begin while it is still loading its own scripts (early.js; on a
 * slow link that is a second or more); its request for the same files gets these. Does nothing
 * once the worker has decoders.
 */
export function startDecoders(worker, jobs, Worker = globalThis.Worker) {
  if (started.has(worker) || waiting.has(worker) || ended.has(worker)) return;
  waiting.set(worker, { urls: urlsOf(jobs), handOver: spawn(worker, jobs, Worker).handOver });
}

/**
 * Page side: answer `worker`'s DECODE requests, those among `earlier` (events it posted before
 * this was called, as early.js keeps them) and every later one. `Worker` is the class decoders
 * are made with (the page's own; a test's fake).
 */
export function serveDecoders(worker, earlier = [], Worker = globalThis.Worker) {
  for (const event of earlier) serve(worker, event.data, Worker);
  worker.addEventListener("message", (event) => serve(worker, event.data, Worker));
}

/** Page side: end every decoder started for `worker` (call it when `worker` is terminated:
 * its decoders would otherwise go on downloading for no one), and start none for it later (the
 * page may still be loading the scripts early.js starts them with). */
export function endDecoders(worker) {
  ended.add(worker);
  if (offered.has(worker)) offered.get(worker).cancel();
  offered.delete(worker);
  for (const decoder of started.get(worker) || []) stop(decoder);
  started.delete(worker);
  waiting.delete(worker);
}

/**
 * Python worker side: ask the page (`scope` is the worker's global) for one decoder per job.
 * Resolves, once the page answers, to one entry per job: null where no decoder could start,
 * else {port, failed}: the decoder's MessagePort and a Promise that resolves if its script
 * fails. The page always answers: supervisor.js, which starts every Python worker, serves it.
 */
export function askPageForDecoders(scope, jobs) {
  const failures = jobs.map(() => {
    let report;
    const failed = new Promise((resolve) => (report = resolve));
    return { failed, report };
  });
  return new Promise((resolve) => {
    scope.addEventListener("message", function listen({ data }) {
      if (data && data.type === DECODER_FAILED && failures[data.index]) failures[data.index].report();
      if (data && data.type === DECODERS) {
        resolve(data.ports.map((port, i) => (port ? { port, failed: failures[i].failed } : null)));
      }
    });
    scope.postMessage({ type: DECODE, jobs });
  });
}
