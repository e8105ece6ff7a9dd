// Unit tests of the decoder threads' hand-over (kdsite/static/decoders.js): the Python worker asks
// the page once, the page starts one decoder per file and hands the Python worker their ports;
// a decoder that cannot start or run is reported so the worker decompresses that file itself.
// Run: node --test tests/js/ (tests/unit/test_protocol_js.py runs it under pytest).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  askPageForDecoders, DECODE, endDecoders, offerDownload, serveDecoders, startDecoders,
} from "../../kdsite/static/decoders.js";

const JOBS = [
  { url: "https://example.test/_kd/pyodide/pyodide.asm.wasm.xz", sha256: "aa", label: "wasm", priority: "high" },
  { url: "https://example.test/_kd/pyodide/numpy.whl.xz", sha256: "bb", label: "numpy", priority: "low" },
];

/** The Python worker as the page sees it (`worker`) and as it sees itself (`scope`): messages
 * cross later, as a browser delivers them; `posted` is what the worker sent the page. */
function workerPair() {
  const worker = new EventTarget();
  const scope = new EventTarget();
  const posted = [];
  const deliver = (target, data) => setTimeout(() => target.dispatchEvent(new MessageEvent("message", { data })));
  scope.postMessage = (data) => (posted.push(data), deliver(worker, data));
  worker.postMessage = (data) => deliver(scope, data);
  return { worker, scope, posted };
}

/** A decoder Worker class: `made` holds each with its URL, options and what it was sent. `fail`
 * (called with the index) says whether its constructor throws ("throw") or its script fails ("error"). */
function fakeDecoderClass(fail = () => null) {
  const made = [];
  let started = 0;
  class FakeDecoder extends EventTarget {
    constructor(url, options) {
      super();
      const how = fail(started++);
      if (how === "throw") throw new DOMException("refused", "SecurityError");
      Object.assign(this, { url: String(url), options, sent: [], terminated: false });
      made.push(this);
      if (how === "error") setTimeout(() => this.dispatchEvent(new Event("error", { cancelable: true })));
    }
    postMessage(message) {
      this.sent.push(message);
    }
    terminate() {
      this.terminated = true;
    }
  }
  return { Decoder: FakeDecoder, made };
}

test("the worker asks once; the page starts one decoder per file and hands over their ports", async () => {
  const { worker, scope } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  serveDecoders(worker, [], Decoder);
  const threads = await askPageForDecoders(scope, JOBS);
  assert.equal(made.length, 2);
  assert.ok(made.every((d) => d.url.endsWith("/kdsite/static/unxz-worker.js") && d.options.type === "module"));
  assert.deepEqual(made.map((d) => d.sent[0].job), JOBS);
  // Each decoder's port talks to the port the worker got for that job.
  const heard = new Promise((resolve) => (threads[1].port.onmessage = ({ data }) => resolve(data)));
  made[1].sent[0].port.postMessage({ status: 200 });
  assert.deepEqual(await heard, { status: 200 });
  for (const { port } of threads) port.close();
});

test("each decoder can pass its turn to download straight to the next one", async () => {
  const { worker, scope } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  serveDecoders(worker, [], Decoder);
  const threads = await askPageForDecoders(scope, JOBS);
  const [first, second] = made.map((d) => d.sent[0]);
  assert.equal(first.after, null, "the first one starts at once");
  assert.equal(second.next, null, "the last one passes to no one");
  const heard = new Promise((resolve) => (second.after.onmessage = ({ data }) => resolve(data)));
  first.next.postMessage({ go: true });
  assert.deepEqual(await heard, { go: true });
  for (const port of [first.next, second.after, ...threads.map((t) => t.port)]) port.close();
});

test("decoders started before the worker asks are the ones it gets; one failed meanwhile is reported", async () => {
  const { worker, scope } = workerPair();
  const { Decoder, made } = fakeDecoderClass((index) => (index === 1 ? "error" : null));
  startDecoders(worker, JOBS, Decoder); // early.js, as soon as boot-files.js has arrived
  startDecoders(worker, JOBS, Decoder); // once only
  assert.equal(made.length, 2);
  await new Promise((resolve) => setTimeout(resolve)); // the second one's script fails now
  serveDecoders(worker, [], Decoder);
  const threads = await askPageForDecoders(scope, JOBS);
  assert.equal(made.length, 2, "no new decoders");
  const heard = new Promise((resolve) => (threads[0].port.onmessage = ({ data }) => resolve(data)));
  made[0].sent[0].port.postMessage({ status: 200 });
  assert.deepEqual(await heard, { status: 200 });
  await threads[1].failed;
  for (const { port } of threads) port.close();
});

test("decoders started for other files than the worker asks for are ended, and new ones started", async () => {
  const { worker, scope } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  startDecoders(worker, JOBS.slice(1), Decoder);
  serveDecoders(worker, [], Decoder);
  const threads = await askPageForDecoders(scope, JOBS);
  assert.equal(made.length, 3);
  assert.ok(made[0].terminated);
  assert.deepEqual(made.slice(1).map((d) => d.sent[0].job), JOBS);
  for (const { port } of threads) port.close();
});

test("a worker already ended gets no decoders, even if the page asks for them later", async () => {
  const { worker } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  endDecoders(worker); // the supervisor gave up on it while early.js was still loading scripts
  startDecoders(worker, JOBS, Decoder);
  serveDecoders(worker, [], Decoder);
  worker.dispatchEvent(new MessageEvent("message", { data: { type: DECODE, jobs: JOBS } }));
  assert.equal(made.length, 0);
});

test("a request seen by two listeners, or replayed, starts its decoders once", async () => {
  const { worker, scope } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  // early.js keeps the worker's first events; the supervisor serves it too and replays them.
  const early = [];
  const asked = new Promise((resolve) => worker.addEventListener("message", (event) => resolve(early.push(event))));
  const threads = askPageForDecoders(scope, JOBS);
  await asked;
  assert.equal(early[0].data.type, DECODE);
  serveDecoders(worker, early, Decoder);
  serveDecoders(worker, early, Decoder);
  for (const event of early.slice()) worker.dispatchEvent(new MessageEvent("message", { data: event.data }));
  assert.equal((await threads).length, 2);
  assert.equal(made.length, 2);
  for (const { port } of await threads) port.close();
});

test("a decoder the page cannot start has no port; one whose script fails is reported", async () => {
  const { worker, scope } = workerPair();
  const { Decoder, made } = fakeDecoderClass((index) => ["throw", "error"][index]);
  serveDecoders(worker, [], Decoder);
  const threads = await askPageForDecoders(scope, JOBS);
  assert.equal(threads[0], null);
  await threads[1].failed; // resolves: the worker then decompresses numpy itself
  assert.ok(made[0].terminated);
  threads[1].port.close();
});

test("a Python worker's decoders end with it", async () => {
  const { worker, scope } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  serveDecoders(worker, [], Decoder);
  const threads = await askPageForDecoders(scope, JOBS);
  assert.ok(made.every((d) => !d.terminated));
  endDecoders(worker); // the supervisor replaced or stopped the worker
  assert.ok(made.every((d) => d.terminated));
  for (const { port } of threads) port.close();
});

/** A download as the page's inline script (inline/first-download.js) makes one, of `url`: its
 * body relays `chunks` (and stays open if `endless`); `none` for no download, `body: null` for an
 * answer without one.
 * `cancelled()` counts cancel() calls, `stopped` resolves at the first. */
function pageDownload(url, { chunks = [], endless = false, none = false, status = 200, body = undefined } = {}) {
  let cancelled = 0;
  let bodyStopped;
  const stopped = new Promise((resolve) => (bodyStopped = resolve));
  let source;
  const stream = new ReadableStream({
    start(controller) {
      source = controller;
      for (const chunk of chunks) controller.enqueue(chunk);
      if (!endless) controller.close();
    },
  });
  const response = none ? null : { response: new Response(body === null ? null : stream, { status }), waitedMs: 12 };
  // cancel() stops the download as the page's does (an AbortController's abort): its body errors.
  const cancel = () => {
    cancelled++;
    bodyStopped(true);
    try {
      source.error(new DOMException("The download was stopped.", "AbortError"));
    } catch {
      // it had ended
    }
  };
  return { download: { url, response: Promise.resolve(response), cancel }, cancelled: () => cancelled, stopped };
}

/** Every message `port` hears until one passes `last`; then the port is closed unless `keepOpen`. */
function heardUntil(port, last, keepOpen = false) {
  const heard = [];
  return new Promise((resolve) => {
    port.onmessage = ({ data }) => {
      heard.push(data);
      if (last(data)) (keepOpen || port.close(), resolve(heard));
    };
  });
}

const JOBS_SIZED = JOBS.map((job) => ({ ...job, packedSize: 5 }));

/** Whether `promise` settles within a number of event-loop turns (not a time): its value, or a timeout. */
async function within(promise, turns = 10_000) {
  let result = { timedOut: true };
  promise.then((value) => (result = { value }));
  for (let turn = 0; turn < turns && result.timedOut; turn++) await new Promise((resolve) => setImmediate(resolve));
  return result;
}

test("the download the page began goes to its file's decoder, relayed chunk by chunk and moved, not copied", async () => {
  const { worker, scope } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])];
  const buffers = chunks.map((c) => c.buffer);
  const page = pageDownload(JOBS[0].url, { chunks });
  offerDownload(worker, page.download); // early.js, once decoders.js has arrived
  startDecoders(worker, JOBS_SIZED, Decoder);
  const [first, second] = made.map((d) => d.sent[0]);
  assert.ok(first.download, "the wasm's decoder is handed it");
  assert.equal(second.download, undefined, "no other decoder is");
  const heard = await heardUntil(first.download, (data) => data.end || data.error);
  assert.deepEqual(heard[0], { status: 200 });
  assert.deepEqual(heard.filter((m) => m.chunk).map((m) => [...m.chunk]), [[1, 2, 3], [4, 5]]);
  // All 5 bytes in: the next download may begin (arrival.js' whenNearlyArrived, judged here).
  assert.deepEqual(heard.slice(-2), [{ nearly: true }, { end: true }]);
  assert.ok(buffers.every((b) => b.byteLength === 0), "each chunk's bytes were moved to the decoder");
  assert.equal(page.cancelled(), 0);
  serveDecoders(worker, [], Decoder);
  for (const { port } of await askPageForDecoders(scope, JOBS_SIZED)) port.close();
});

test("the decoders started for the worker's own request, before early.js' own start, get the download too", async () => {
  const { worker, scope } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  const page = pageDownload(JOBS[0].url, { chunks: [new Uint8Array([1])] });
  offerDownload(worker, page.download);
  serveDecoders(worker, [], Decoder); // supervisor.js served the worker's request first
  const threads = await askPageForDecoders(scope, JOBS);
  startDecoders(worker, JOBS, Decoder); // early.js, too late: nothing more happens
  assert.equal(made.length, 2);
  const heard = await heardUntil(made[0].sent[0].download, (data) => data.end || data.error);
  assert.deepEqual(heard.at(-1), { end: true });
  assert.equal(page.cancelled(), 0);
  for (const { port } of threads) port.close();
});

test("with no download (an earlier visit kept the file) its decoder hears {none}; a failed status, or no body, ends it", async () => {
  const cases = [[{ none: true }, [{ none: true }]], [{ status: 404 }, [{ status: 404 }]], [{ body: null }, [{ status: 200 }, { end: true }]]];
  for (const [options, expected] of cases) {
    const { worker } = workerPair();
    const { Decoder, made } = fakeDecoderClass();
    const page = pageDownload(JOBS[0].url, options);
    offerDownload(worker, page.download);
    startDecoders(worker, JOBS, Decoder);
    const heard = await heardUntil(made[0].sent[0].download, (data) => data.none || data.end || data.status === 404);
    assert.deepEqual(heard, expected);
    if (options.status === 404) assert.equal(page.cancelled(), 1, "nothing of it is wanted");
    endDecoders(worker);
  }
});

test("a download no decoder takes is cancelled: of no job's file, its decoder not started, decoders there already, the worker ended", async () => {
  const other = (download) => ({ ...download, url: "https://example.test/other.xz" });
  const cases = [
    [(worker, Decoder, download) => (offerDownload(worker, other(download)), startDecoders(worker, JOBS, Decoder))],
    [(worker, Decoder, download) => (offerDownload(worker, download), startDecoders(worker, JOBS, Decoder)), (index) => (index === 0 ? "throw" : null)],
    [(worker, Decoder, download) => (startDecoders(worker, JOBS, Decoder), offerDownload(worker, download))],
    [(worker, Decoder, download) => (offerDownload(worker, download), endDecoders(worker))],
  ];
  for (const [start, fail] of cases) {
    const { worker } = workerPair();
    const { Decoder, made } = fakeDecoderClass(fail);
    const page = pageDownload(JOBS[0].url, { chunks: [new Uint8Array([1])] });
    start(worker, Decoder, page.download);
    assert.equal(page.cancelled(), 1);
    assert.ok(made.every((d) => !d.sent[0].download));
    endDecoders(worker);
  }
});

test("the page stops its download when the decoder asks, fails, or ends with its Python worker", async () => {
  for (const how of ["cancel", "error", "end"]) {
    const { worker } = workerPair();
    const { Decoder, made } = fakeDecoderClass();
    const page = pageDownload(JOBS[0].url, { chunks: [new Uint8Array([1])], endless: true });
    offerDownload(worker, page.download);
    startDecoders(worker, JOBS, Decoder);
    const port = made[0].sent[0].download;
    const first = await heardUntil(port, (data) => "chunk" in data, true);
    assert.equal(first.length, 2); // {status}, then the chunk
    if (how === "cancel") port.postMessage({ cancel: true }); // boot-fetch.js' fromPage
    if (how === "error") made[0].dispatchEvent(new Event("error", { cancelable: true }));
    if (how === "end") endDecoders(worker);
    assert.deepEqual(await within(page.stopped), { value: true }, how);
    assert.equal(page.cancelled(), 1, how);
    port.close();
    endDecoders(worker);
  }
});

test("a download offered twice (early.js, then supervisor.js on adopting the worker) goes to its decoder once", async () => {
  const { worker } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  const page = pageDownload(JOBS[0].url, { chunks: [new Uint8Array([1])] });
  offerDownload(worker, page.download);
  startDecoders(worker, JOBS, Decoder);
  offerDownload(worker, page.download); // already taken: nothing happens
  assert.equal(page.cancelled(), 0);
  const heard = await heardUntil(made[0].sent[0].download, (data) => data.end || data.error);
  assert.deepEqual(heard.at(-1), { end: true });
  endDecoders(worker);
});

test("a download cancelled while on offer (early.js found no files to decode) is handed to no decoder", async () => {
  const { worker } = workerPair();
  const { Decoder, made } = fakeDecoderClass();
  const page = pageDownload(JOBS[0].url, { chunks: [new Uint8Array([1])] });
  let cancelled = false;
  const download = { ...page.download, cancel: () => ((cancelled = true), page.download.cancel()), get cancelled() { return cancelled; } };
  offerDownload(worker, download);
  download.cancel();
  startDecoders(worker, JOBS, Decoder);
  assert.ok(made.every((d) => !d.sent[0].download));
  endDecoders(worker);
});
