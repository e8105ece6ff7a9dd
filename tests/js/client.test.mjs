// Unit tests of the page's request client (kdsite/static/client.js) and the message builders
// it and the worker share (kdsite/static/protocol.js). Run: node --test tests/js/
// (tests/unit/test_protocol_js.py runs them under pytest).
import assert from "node:assert/strict";
import { test } from "node:test";

import { createClient, UNAVAILABLE } from "../../kdsite/static/client.js";
import * as protocol from "../../kdsite/static/protocol.js";

const TARGET = { widget: "distillation-viz", config: { temperature: 1 }, run: "lab-1" };

/** A client whose posts are kept in `posted`, with one channel and the errors it reported. */
function setup(target = TARGET) {
  const posted = [];
  const client = createClient((request) => posted.push(request));
  const errors = [];
  const channel = client.channel(target, (message) => errors.push(message));
  return { client, channel, posted, errors };
}

/** The worker's answer to `request`, as worker.js builds it. */
function answerTo(request, state = { for: request.controls }) {
  return request.type === protocol.MSG.TRAIN ? protocol.epochAnswer(request, state) : protocol.stateAnswer(request, state);
}

/** Settle every promise callback queued so far. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Record how a promise settles: {value} or {error}. */
function outcome(promise) {
  const result = {};
  promise.then((value) => { result.value = value; }, (error) => { result.error = error; });
  return result;
}

test("a compute request carries the widget, its configuration and the controls", () => {
  const { channel, posted } = setup();
  channel.compute({ temperature: 2 });
  assert.deepEqual(posted, [{ type: "state", id: 1, widget: "distillation-viz", config: { temperature: 1 },
    controls: { temperature: 2 } }]);
});

test("request ids are unique across the channels of one client", () => {
  const posted = [];
  const client = createClient((request) => posted.push(request));
  const a = client.channel(TARGET, () => {});
  const b = client.channel({ ...TARGET, run: "lab-2" }, () => {});
  a.compute({});
  b.compute({});
  a.train({}, { epochs: 1 });
  b.train({}, { epochs: 1 });
  assert.deepEqual(posted.map((r) => r.id), [1, 2, 3, 4]);
});

test("compute coalesces: while one request is in flight only the latest controls wait", async () => {
  const { client, channel, posted } = setup();
  const first = outcome(channel.compute({ temperature: 1 }));
  const second = outcome(channel.compute({ temperature: 2 }));
  const third = outcome(channel.compute({ temperature: 3 }));
  assert.equal(posted.length, 1);
  assert.equal(client.answer(answerTo(posted[0])), true);
  // The answer sends the latest controls at once; the ones in between are never computed.
  assert.equal(posted.length, 2);
  assert.deepEqual(posted[1].controls, { temperature: 3 });
  await flush();
  assert.deepEqual(first.value, { for: { temperature: 1 } });
  assert.equal(second.value, undefined);
  client.answer(answerTo(posted[1]));
  await flush();
  assert.deepEqual(second.value, { for: { temperature: 3 } });
  assert.deepEqual(third.value, { for: { temperature: 3 } });
  assert.deepEqual(client.unanswered(), []);
  channel.compute({ temperature: 4 }); // nothing in flight: sent at once
  assert.equal(posted.length, 3);
});

test("coalescing is per widget", () => {
  const posted = [];
  const client = createClient((request) => posted.push(request));
  client.channel(TARGET, () => {}).compute({ a: 1 });
  client.channel({ ...TARGET, widget: "soft-labels" }, () => {}).compute({ b: 1 });
  assert.deepEqual(posted.map((r) => r.widget), ["distillation-viz", "soft-labels"]);
});

test("train is never coalesced: every call is a request, each answered with its own state", async () => {
  const { client, channel, posted } = setup();
  const runs = [1, 2, 3].map((n) => outcome(channel.train({ n }, { epochs: n })));
  assert.deepEqual(posted.map((r) => [r.type, r.id, r.run, r.epochs]),
    [["train", 1, "lab-1", 1], ["train", 2, "lab-1", 2], ["train", 3, "lab-1", 3]]);
  for (const request of posted) client.answer(protocol.epochAnswer(request, { epoch: request.epochs }));
  await flush();
  assert.deepEqual(runs.map((r) => r.value), [{ epoch: 1 }, { epoch: 2 }, { epoch: 3 }]);
});

test("a train request's epochs are a whole number >= 0 and restart a boolean", () => {
  const { channel, posted } = setup();
  for (const options of [{ epochs: -3 }, { epochs: 2.7 }, { epochs: "x" }, { epochs: "4" }, undefined,
    { epochs: 1, restart: 1 }]) channel.train({}, options);
  assert.deepEqual(posted.map((r) => r.epochs), [0, 2, 0, 4, 0, 1]);
  assert.deepEqual(posted.map((r) => r.restart), [false, false, false, false, false, true]);
});

test("unanswered() lists what a new worker must be sent again, oldest first", () => {
  const { client, channel, posted } = setup();
  channel.compute({ t: 1 });
  channel.train({}, { epochs: 1 });
  channel.compute({ t: 2 }); // waits for the first: not a request yet
  assert.deepEqual(client.unanswered(), posted);
  client.answer(answerTo(posted[1]));
  assert.deepEqual(client.unanswered(), [posted[0]]);
});

test("an answer to nothing unanswered is ignored", async () => {
  const { client, channel, posted } = setup();
  const result = outcome(channel.compute({}));
  assert.equal(client.answer({ type: "state", id: 99, state: {} }), false);
  assert.equal(client.answer(answerTo(posted[0])), true);
  assert.equal(client.answer(answerTo(posted[0], { again: true })), false); // e.g. answered twice
  await flush();
  assert.deepEqual(result.value, { for: {} });
});

test("a request error fails its widget once: every waiter rejected, later calls refused", async () => {
  const { client, channel, posted, errors } = setup();
  const inflight = outcome(channel.compute({ t: 1 }));
  const latest = outcome(channel.compute({ t: 2 }));
  const training = outcome(channel.train({}, { epochs: 1 }));
  client.answer(protocol.requestError(posted[0], "ValueError: temperature must be > 0"));
  assert.deepEqual(errors, ["ValueError: temperature must be > 0"]);
  assert.equal(posted.length, 2, "the latest controls of a failed widget are not sent");
  await flush();
  for (const result of [inflight, latest, training]) {
    assert.equal(result.error.message, "ValueError: temperature must be > 0");
  }
  client.answer(protocol.requestError(posted[1], "another failure"));
  assert.deepEqual(errors, ["ValueError: temperature must be > 0"], "onError is called once");
  const later = [outcome(channel.compute({})), outcome(channel.train({}, { epochs: 1 }))];
  await flush();
  for (const result of later) assert.equal(result.error.message, UNAVAILABLE);
  assert.equal(posted.length, 2);
});

test("a request error without a message still says what failed", () => {
  const { client, channel, posted, errors } = setup();
  channel.train({}, { epochs: 1 });
  client.answer({ type: "error", id: posted[0].id });
  assert.deepEqual(errors, ["the computation failed."]);
});

test("a request error fails only its own widget", async () => {
  const posted = [];
  const client = createClient((request) => posted.push(request));
  const errors = [];
  const bad = client.channel(TARGET, (message) => errors.push(["bad", message]));
  const good = client.channel({ ...TARGET, run: "other" }, (message) => errors.push(["good", message]));
  const failed = outcome(bad.compute({}));
  const result = outcome(good.compute({}));
  client.answer(protocol.requestError(posted[0], "boom"));
  client.answer(answerTo(posted[1]));
  await flush();
  assert.deepEqual(errors, [["bad", "boom"]]);
  assert.equal(failed.error.message, "boom");
  assert.deepEqual(result.value, { for: {} });
});

test("close() rejects what the widget waits for; answers that arrive later change nothing", async () => {
  const { client, channel, posted, errors } = setup();
  const waiting = [outcome(channel.compute({ t: 1 })), outcome(channel.compute({ t: 2 })),
    outcome(channel.train({}, { epochs: 1 }))];
  channel.close(new Error("Python did not start within 60 s."));
  channel.close(new Error("a second reason is ignored"));
  for (const request of [...posted]) client.answer(answerTo(request));
  await flush();
  for (const result of waiting) assert.equal(result.error.message, "Python did not start within 60 s.");
  assert.equal(posted.length, 2, "nothing is sent after close");
  assert.deepEqual(errors, [], "close is the caller's decision: onError is not called");
  assert.deepEqual(client.unanswered(), []);
});

test("the protocol tells answers from the worker's other messages", () => {
  const state = protocol.stateRequest(7, "w", {}, {});
  const train = protocol.trainRequest(8, "w", "run", {}, {}, { epochs: 1 });
  assert.ok(protocol.isRequest(state) && protocol.isRequest(train));
  for (const msg of [protocol.stateAnswer(state, {}), protocol.epochAnswer(train, {}), protocol.requestError(train, "x")]) {
    assert.ok(protocol.isAnswer(msg), msg.type);
  }
  for (const msg of [protocol.progress("python", "Starting Python"), protocol.ready("1.0"),
    protocol.fatalError("no"), protocol.crashed("trap"), train]) {
    assert.ok(!protocol.isAnswer(msg), JSON.stringify(msg));
  }
  assert.deepEqual(protocol.epochAnswer(train, { e: 1 }), { type: "epoch", id: 8, run: "run", state: { e: 1 } });
  assert.deepEqual(protocol.requestError(state, "m"), { type: "error", id: 7, widget: "w", message: "m" });
});
