// Unit tests of the decoder threads' hand-over (kdsite/static/decoders.js): the Python worker asks
// the page once, the page starts one decoder per file and hands the Python worker their ports;
// a decoder that cannot start or run is reported so the worker decompresses that file itself.
// Run: node --test tests/js/ (tests/unit/test_protocol_js.py runs it under pytest).
import assert from "node:assert/strict";
import { test } from "node:test";

import { askPageForDecoders, DECODE, endDecoders, serveDecoders, startDecoders } from "../../kdsite/static/decoders.js";

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
