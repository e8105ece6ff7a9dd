// Unit tests of the worker's downloads (kdsite/static/boot-fetch.js): every file starts at once,
// an .xz answers a fetch of its original once decompressed and checked, and anything damaged is
// reported naming the file. Run: node --test tests/js/ (tests/unit/test_protocol_js.py runs it,
// with KDSITE_PYTHON set to the Python whose kdsite writes the .xz files, as the build does).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { test } from "node:test";

import {
  DECODED_CACHE, checkedUnxz, decodeJob, drained, fromPage, installBootFetch, runDecoder, sha256Hex,
  sriOfHex,
} from "../../kdsite/static/boot-fetch.js";
import { whenNearlyArrived } from "../../kdsite/static/arrival.js";
import { countingReads, fakeCaches } from "./fake-caches.mjs";

/** `bytes` as the build packs them (kdsite.pyodide.precompress.xz_bytes). */
function xz(bytes) {
  const program = "import sys; from kdsite.pyodide.precompress import xz_bytes; " +
    "sys.stdout.buffer.write(xz_bytes(sys.stdin.buffer.read()))";
  return new Uint8Array(execFileSync(process.env.KDSITE_PYTHON || "python3", ["-c", program], { input: bytes }));
}

const DIR = "https://example.test/site/_kd/pyodide/";
const WASM = new Uint8Array(200_000).map((_, i) => (i * 7) % 251);
const WHEEL = new TextEncoder().encode("a wheel ".repeat(1000));
const hex = (bytes) => createHash("sha256").update(bytes).digest("hex");
const WASM_XZ = xz(WASM);
const WHEEL_XZ = xz(WHEEL);
const MANIFEST = {
  files: [
    { name: "pyodide.asm.wasm", packed: "pyodide.asm.wasm.xz", sha256: hex(WASM), packed_size: WASM_XZ.length },
    { name: "numpy-2.whl", packed: "numpy-2.whl.xz", sha256: hex(WHEEL), packed_size: WHEEL_XZ.length },
  ],
};

/** A scope whose fetch serves `files` (URL -> bytes) and logs every URL it was asked for. */
function fakeScope(files) {
  const asked = [];
  const scope = {
    fetch: async (url) => {
      asked.push(String(url));
      const body = files[String(url)];
      return body ? new Response(body) : new Response("missing", { status: 404 });
    },
  };
  return { scope, asked };
}

const served = (overrides = {}) => ({
  [`${DIR}pyodide.asm.wasm.xz`]: WASM_XZ,
  [`${DIR}numpy-2.whl.xz`]: WHEEL_XZ,
  [`${DIR}pyodide-lock.json`]: '{"packages": {}}',
  ...overrides,
});

test("sha256Hex and sriOfHex agree with node:crypto", async () => {
  assert.equal(await sha256Hex(WHEEL), hex(WHEEL));
  assert.equal(sriOfHex(hex(WHEEL)), `sha256-${createHash("sha256").update(WHEEL).digest("base64")}`);
});

/** Resolve once `done()` is true, waiting at most `turns` turns of the event loop: everything
 * these fakes do settles in promise jobs and message events, never on a clock, so a few turns
 * are plenty; the bound is far above that and costs nothing when the condition comes true. */
async function settled(done, turns = 10_000) {
  for (let turn = 0; turn < turns && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
  return done();
}

/** fakeScope(served()), except that the wasm's .xz arrives only when release() is called; with
 * `bytesFirst`, its bytes arrive at once and only the end of its stream waits for release(). */
function wasmHeldBack({ bytesFirst = false } = {}) {
  const { scope, asked } = fakeScope(served());
  let release;
  const held = new Promise((resolve) => (release = resolve));
  const plainFetch = scope.fetch;
  scope.fetch = async (url, init) => {
    if (String(url) !== `${DIR}pyodide.asm.wasm.xz`) return plainFetch(url, init);
    asked.push(String(url));
    const body = new ReadableStream({
      start(controller) {
        if (bytesFirst) controller.enqueue(WASM_XZ);
      },
      async pull(controller) {
        await held;
        if (!bytesFirst) controller.enqueue(WASM_XZ);
        controller.close();
      },
    });
    return new Response(body);
  };
  return { scope, asked, release };
}

for (const how of ["in this thread", "in decoder threads"]) {
  test(`the downloads go one after another in boot order, each once the one before arrived, before anyone asks (${how})`, async () => {
    const { scope, asked, release } = wasmHeldBack();
    const threads = how === "in decoder threads" ? fakeDecoders(scope.fetch).decoders : null;
    installBootFetch(scope, DIR, MANIFEST, [`${DIR}pyodide-lock.json`], () => {}, threads);
    const wasmAndLock = [`${DIR}pyodide.asm.wasm.xz`, `${DIR}pyodide-lock.json`].sort();
    assert.ok(await settled(() => asked.length === 2), `asked for ${asked}`);
    assert.deepEqual([...asked].sort(), wasmAndLock);
    await settled(() => asked.length > 2, 50);
    assert.deepEqual([...asked].sort(), wasmAndLock, "the wheel waits for the wasm");
    release();
    // Nobody reads the wasm (Pyodide has not asked for it): its download ends all the same.
    assert.ok(await settled(() => asked.length === 3));
    assert.equal(asked[2], `${DIR}numpy-2.whl.xz`);
  });
}

const UNSIZED = { files: MANIFEST.files.map(({ packed_size: _, ...file }) => file) };
for (const [how, manifest] of [["in this thread", MANIFEST], ["in decoder threads", MANIFEST],
  ["in this thread", UNSIZED], ["in decoder threads", UNSIZED]]) {
  const sized = manifest === MANIFEST;
  test(`the next download is asked for once the one before has all its bytes${sized ? ", before its stream ends" : " and its stream ended, when the manifest has no sizes"} (${how})`, async () => {
    // The server has sent the whole .xz but the stream has not ended yet: the next file's request
    // should not wait for that (whenNearlyArrived; its estimate from the rate is tested below).
    const { scope, asked, release } = wasmHeldBack({ bytesFirst: true });
    const threads = how === "in decoder threads" ? fakeDecoders(scope.fetch, { chained: true }).decoders : null;
    installBootFetch(scope, DIR, manifest, [], () => {}, threads);
    try {
      if (sized) {
        assert.ok(await settled(() => asked.length === 2), `asked for ${asked}`);
        assert.deepEqual(asked, [`${DIR}pyodide.asm.wasm.xz`, `${DIR}numpy-2.whl.xz`]);
      } else {
        // A manifest that does not say how big the .xz is (built before packed_size): at its end.
        await settled(() => asked.length > 1, 50);
        assert.deepEqual(asked, [`${DIR}pyodide.asm.wasm.xz`]);
      }
    } finally {
      release(); // else, on a failure, the next decoder waits for its turn until the file times out
    }
    assert.deepEqual(new Uint8Array(await (await scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer()), WASM);
    assert.ok(await settled(() => asked.length === 2));
  });
}

/** whenNearlyArrived's callback for `size` bytes after a request answered in `waited` ms, on a
 * clock the test moves: {chunk(bytes, atMs), near()} where near() is how often onNear ran. */
function nearlyOn(size, waited) {
  let clock = 0;
  let calls = 0;
  const onChunk = whenNearlyArrived(size, waited, () => calls++, () => clock);
  return { chunk: (bytes, at) => ((clock = at), onChunk(bytes)), near: () => calls };
}

test("whenNearlyArrived: once the rest will arrive within the request's round trip, at the rate seen", () => {
  // 1000 bytes a ms after the first chunk; 150 ms round trip.
  const link = nearlyOn(1_000_000, 150);
  link.chunk(100_000, 0); // the first chunk only starts the clock
  link.chunk(100_000, 100); // 800 000 left: 800 ms
  assert.equal(link.near(), 0);
  link.chunk(600_000, 700); // 200 000 left: 200 ms
  assert.equal(link.near(), 0);
  link.chunk(60_000, 760); // 140 000 left: 140 ms
  assert.equal(link.near(), 1);
  link.chunk(140_000, 900);
  assert.equal(link.near(), 1, "once");
});

test("whenNearlyArrived: not on the first chunks' burst, nor before a round trip; at the last byte; never without a size", () => {
  const burst = nearlyOn(1_000_000, 150);
  burst.chunk(65_536, 0);
  burst.chunk(65_536, 1); // 65 MB/s for a ms: not yet a rate to trust
  assert.equal(burst.near(), 0);
  // The rate is judged over at least one round trip too: 100 ms of 150 are not enough.
  const early = nearlyOn(1_000_000, 150);
  early.chunk(100_000, 0);
  early.chunk(800_000, 100); // 100 000 left at 8 000 bytes a ms: 12 ms
  assert.equal(early.near(), 0);
  early.chunk(10_000, 150);
  assert.equal(early.near(), 1);
  const small = nearlyOn(50_000, 150);
  small.chunk(50_000, 0); // all of it, in one chunk
  assert.equal(small.near(), 1);
  for (const size of [undefined, 0, NaN]) {
    const unknown = nearlyOn(size, 150);
    unknown.chunk(10, 0);
    unknown.chunk(10, 1000);
    assert.equal(unknown.near(), 0);
  }
});

test("drained reports each chunk's size as it arrives", async () => {
  const sizes = [];
  let ended = 0;
  const body = new Response(new Blob([new Uint8Array(3), new Uint8Array(5)])).body;
  const out = drained(body, () => ended++, (n) => sizes.push(n));
  assert.equal((await new Response(out).arrayBuffer()).byteLength, 8);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 8);
  assert.equal(ended, 1);
});

test("a fetch of an original gets its .xz decompressed, typed, and checked", async () => {
  const { scope, asked } = fakeScope(served());
  const damaged = [];
  installBootFetch(scope, DIR, MANIFEST, [`${DIR}pyodide-lock.json`], (m) => damaged.push(m));
  const wasm = await scope.fetch(`${DIR}pyodide.asm.wasm`, { credentials: "same-origin" });
  assert.equal(wasm.headers.get("Content-Type"), "application/wasm");
  assert.deepEqual(new Uint8Array(await wasm.arrayBuffer()), WASM);
  const wheel = await scope.fetch(`${DIR}numpy-2.whl`, { integrity: sriOfHex(hex(WHEEL)) });
  assert.deepEqual(new Uint8Array(await wheel.arrayBuffer()), WHEEL);
  // The lock, twice: one download, a copy for each caller.
  assert.equal(await (await scope.fetch(`${DIR}pyodide-lock.json`)).text(), '{"packages": {}}');
  assert.equal(await (await scope.fetch(`${DIR}pyodide-lock.json`)).text(), '{"packages": {}}');
  assert.equal(asked.length, 3);
  // Asked again (Pyodide retries a failed wasm compile): downloaded again.
  await (await scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer();
  assert.equal(asked.length, 4);
  await scope.fetch(`${DIR}other.js`);
  assert.equal(asked.at(-1), `${DIR}other.js`);
  assert.deepEqual(damaged, []);
});

for (const [what, body, expected] of [
  ["not xz", new TextEncoder().encode("<html>404</html>"), /pyodide\.asm\.wasm\.xz is not valid xz/],
  ["another file", xz(WHEEL), /pyodide\.asm\.wasm\.xz failed its integrity check/],
]) {
  test(`an .xz that is ${what} fails its fetch and is reported by name`, async () => {
    const { scope } = fakeScope(served({ [`${DIR}pyodide.asm.wasm.xz`]: body }));
    const damaged = [];
    installBootFetch(scope, DIR, MANIFEST, [], (m) => damaged.push(m));
    const response = await scope.fetch(`${DIR}pyodide.asm.wasm`);
    await assert.rejects(response.arrayBuffer(), expected);
    assert.equal(damaged.length, 1);
    assert.match(damaged[0], expected);
    assert.match(damaged[0], /make site/);
  });
}

test("a missing .xz or an integrity the build did not make is reported by name", async () => {
  const { scope } = fakeScope(served({ [`${DIR}numpy-2.whl.xz`]: undefined }));
  const damaged = [];
  installBootFetch(scope, DIR, MANIFEST, [], (m) => damaged.push(m));
  await assert.rejects(scope.fetch(`${DIR}numpy-2.whl`), /numpy-2\.whl\.xz is missing \(HTTP 404\)/);
  await assert.rejects(scope.fetch(`${DIR}pyodide.asm.wasm`, { integrity: "sha256-AAAA" }),
    /pyodide\.asm\.wasm\.xz is not the file the site lock names/);
  assert.equal(damaged.length, 2);
});

test("checkedUnxz passes a stream through in chunks", async () => {
  const packed = xz(WASM);
  const source = new ReadableStream({
    start(controller) {
      for (let i = 0; i < packed.length; i += 1000) controller.enqueue(packed.subarray(i, i + 1000));
      controller.close();
    },
  });
  const out = new Uint8Array(await new Response(checkedUnxz(source, hex(WASM), "x", () => {})).arrayBuffer());
  assert.deepEqual(out, WASM);
});

// xz-decompress decodes one stream at a time per thread (a mutex): the tests below finish every
// stream they start, and come before those that leave one waiting for ever.
/** The page's side of a download it began and relays to one decoder thread (decoders.js'
 * relayDownload): `page` is its port, `heard` what the decoder told it ({cancel}). */
function relayedToDecoder() {
  const feed = new MessageChannel();
  const heard = [];
  feed.port2.onmessage = ({ data }) => heard.push(data);
  return { page: feed.port2, download: feed.port1, heard, close: () => (feed.port1.close(), feed.port2.close()) };
}

/** One decoder thread for the wasm, given `download`, its turn held until go() and its messages
 * to the Python worker in `told`. */
function wasmDecoder(download, fetchFn, scope = {}) {
  const toWorker = new MessageChannel();
  const turn = new MessageChannel();
  const told = [];
  toWorker.port2.onmessage = ({ data }) => told.push(data);
  const closed = [];
  const job = { url: `${DIR}pyodide.asm.wasm.xz`, kept: `${DIR}pyodide.asm.wasm`, sha256: hex(WASM), label: "wasm", priority: "high" };
  runDecoder({ job, port: toWorker.port1, after: turn.port2, next: null, download }, fetchFn, () => closed.push(true), scope);
  const close = () => [toWorker, turn].forEach((c) => (c.port1.close(), c.port2.close()));
  return { told, closed, go: () => turn.port1.postMessage({ go: true }), worker: toWorker.port2, close };
}

const decodedOf = (told) => new Uint8Array(told.filter((m) => m.chunk).flatMap((m) => [...m.chunk]));

test("a decoder thread handed the page's download decodes it and asks the network for nothing; no chunk relayed before its turn is lost", async () => {
  const { scope, asked } = fakeScope(served());
  const relay = relayedToDecoder();
  const decoder = wasmDecoder(relay.download, scope.fetch);
  // The page's download arrives whole before the decoder's turn to download comes.
  relay.page.postMessage({ status: 200 });
  for (let at = 0; at < WASM_XZ.length; at += 4096) relay.page.postMessage({ chunk: WASM_XZ.slice(at, at + 4096) });
  relay.page.postMessage({ end: true });
  await settled(() => false, 50);
  assert.deepEqual(decoder.told, [], "it waits for its turn");
  decoder.go();
  assert.ok(await settled(() => decoder.told.some((m) => m.done || m.error)));
  assert.deepEqual(decoder.told[0], { status: 200 });
  assert.ok(decoder.told.some((m) => m.downloaded));
  assert.deepEqual(decodedOf(decoder.told), WASM);
  assert.deepEqual(asked, []);
  assert.deepEqual(relay.heard, [], "nothing to stop");
  decoder.close();
  relay.close();
});

test("with no download from the page ({none}) the decoder thread downloads the file itself", async () => {
  const { scope, asked } = fakeScope(served());
  const relay = relayedToDecoder();
  const decoder = wasmDecoder(relay.download, scope.fetch);
  decoder.go();
  await settled(() => false, 50);
  assert.deepEqual(asked, [], "not before the page says it has none");
  relay.page.postMessage({ none: true });
  assert.ok(await settled(() => decoder.told.some((m) => m.done || m.error)));
  assert.deepEqual(asked, [`${DIR}pyodide.asm.wasm.xz`]);
  assert.deepEqual(decodedOf(decoder.told), WASM);
  decoder.close();
  relay.close();
});

test("a decoder thread that finds a kept copy, or is stopped mid-file, tells the page to stop its download", async () => {
  // A kept copy (another tab kept it after the page looked): the page's download is not needed.
  const kept = fakeCaches();
  await kept.caches.open(DECODED_CACHE).then((c) => c.put(`${DIR}pyodide.asm.wasm`, new Response(WASM, { headers: { "X-Kdsite-Sha256": hex(WASM) } })));
  const { scope, asked } = fakeScope(served());
  const relay = relayedToDecoder();
  const decoder = wasmDecoder(relay.download, scope.fetch, { caches: kept.caches });
  decoder.go();
  assert.ok(await settled(() => relay.heard.length > 0));
  assert.deepEqual(relay.heard, [{ cancel: true }]);
  // The Python worker then finds no copy it will use: the decoder downloads the file itself.
  relay.page.postMessage({ status: 200 });
  decoder.worker.postMessage({ download: true });
  assert.ok(await settled(() => decoder.told.some((m) => m.done || m.error)));
  assert.deepEqual(decodedOf(decoder.told), WASM);
  assert.deepEqual(asked, [`${DIR}pyodide.asm.wasm.xz`]);
  decoder.close();
  relay.close();
  // Stopped by the Python worker while the page's download is still under way.
  const second = relayedToDecoder();
  const stopped = wasmDecoder(second.download, scope.fetch);
  stopped.go();
  second.page.postMessage({ status: 200 });
  second.page.postMessage({ chunk: WASM_XZ.slice(0, 100) });
  assert.ok(await settled(() => stopped.told.length > 0));
  stopped.worker.postMessage({ stop: true });
  assert.ok(await settled(() => second.heard.length > 0 && stopped.closed.length > 0));
  assert.deepEqual(second.heard, [{ cancel: true }]);
  second.page.postMessage({ error: "cancelled" }); // as the stream ends in the thread closed meanwhile
  assert.ok(await settled(() => stopped.told.some((m) => m.error)));
  stopped.close();
  second.close();
});

test("fromPage: a body stopped (aborted, or cancelled) takes no more chunks, and an abort once it is over stops nothing", async () => {
  for (const how of ["abort at the end", "abort mid-file", "cancel mid-file"]) {
    const relay = relayedToDecoder();
    const early = fromPage(relay.download, () => assert.fail("the network is not asked"));
    const aborts = new AbortController();
    relay.page.postMessage({ status: 200 });
    relay.page.postMessage({ chunk: new Uint8Array([1, 2]) });
    if (how === "abort at the end") relay.page.postMessage({ end: true });
    const response = await early.fetch("x", { signal: aborts.signal });
    const reader = response.body.getReader();
    assert.deepEqual([...(await reader.read()).value], [1, 2]);
    if (how === "abort at the end") assert.equal((await reader.read()).done, true);
    if (how === "cancel mid-file") await reader.cancel();
    else aborts.abort();
    // What the page relayed before it heard {cancel} still comes, and goes nowhere.
    relay.page.postMessage({ chunk: new Uint8Array([3]) });
    relay.page.postMessage({ end: true });
    await settled(() => false, 50);
    assert.deepEqual(relay.heard, how === "abort at the end" ? [] : [{ cancel: true }], how);
    if (how === "abort mid-file") await assert.rejects(reader.read());
    relay.close();
  }
});

test("a decoder thread handed the page's download passes the turn on when the page says it has nearly arrived", async () => {
  const { scope } = fakeScope(served());
  const relay = relayedToDecoder();
  const baton = new MessageChannel();
  const passed = [];
  baton.port2.onmessage = ({ data }) => passed.push(data);
  const toWorker = new MessageChannel();
  const job = { url: `${DIR}pyodide.asm.wasm.xz`, sha256: hex(WASM), label: "wasm", priority: "high", packedSize: WASM_XZ.length };
  runDecoder({ job, port: toWorker.port1, after: null, next: baton.port1, download: relay.download }, scope.fetch, () => {});
  relay.page.postMessage({ status: 200 });
  relay.page.postMessage({ chunk: WASM_XZ.slice(0, 1000) });
  await settled(() => false, 50);
  assert.deepEqual(passed, [], "not before the page says so");
  relay.page.postMessage({ nearly: true });
  assert.ok(await settled(() => passed.length > 0));
  assert.deepEqual(passed, [{ go: true }]);
  relay.page.postMessage({ chunk: WASM_XZ.slice(1000) });
  relay.page.postMessage({ end: true });
  const told = [];
  toWorker.port2.onmessage = ({ data }) => told.push(data);
  assert.ok(await settled(() => told.some((m) => m.done || m.error)));
  assert.ok(told.some((m) => m.done));
  [baton, toWorker].forEach((c) => (c.port1.close(), c.port2.close()));
  relay.close();
});

test("fromPage: a fetch aborted while the page has not answered asks it to stop; later fetches and those after drop() go to the network", async () => {
  const relay = relayedToDecoder();
  const network = [];
  const early = fromPage(relay.download, async (url) => (network.push(url), new Response("net")));
  const aborts = new AbortController();
  const waiting = early.fetch("x", { signal: aborts.signal });
  aborts.abort();
  await assert.rejects(waiting);
  assert.ok(await settled(() => relay.heard.length > 0));
  assert.deepEqual(relay.heard, [{ cancel: true }]);
  relay.page.postMessage({ status: 200 }); // the page had answered meanwhile: let go
  relay.page.postMessage({ chunk: new Uint8Array([1]) });
  assert.equal(await (await early.fetch("y")).text(), "net");
  relay.close();
  // Aborted before the fetch (a {check} came while the decoder looked for a kept copy), though
  // the page had answered: nothing is handed out, and the page is asked to stop.
  const third = relayedToDecoder();
  const aborted = fromPage(third.download, async () => assert.fail("the network is not asked"));
  third.page.postMessage({ status: 200 });
  await settled(() => false, 20);
  const gone = new AbortController();
  gone.abort();
  await assert.rejects(aborted.fetch("w", { signal: gone.signal }));
  assert.ok(await settled(() => third.heard.length > 0));
  assert.deepEqual(third.heard, [{ cancel: true }]);
  third.close();
  // Dropped before any fetch (the decoder found a kept copy): a fetch does not wait for the page.
  const second = relayedToDecoder();
  const later = fromPage(second.download, async (url) => (network.push(url), new Response("net")));
  later.drop();
  assert.equal(await (await later.fetch("z")).text(), "net");
  assert.deepEqual(network, ["y", "z"]);
  assert.ok(await settled(() => second.heard.length > 0));
  assert.deepEqual(second.heard, [{ cancel: true }]);
  second.close();
});

/** A scope as fakeScope's, with Cache Storage `caches`, whose fetch records each request's signal. */
function scopeWithCaches(files, caches) {
  const { scope, asked } = fakeScope(files);
  const signals = {};
  const plainFetch = scope.fetch;
  scope.fetch = (url, init = {}) => {
    signals[String(url)] = init.signal;
    return plainFetch(url, init);
  };
  scope.caches = caches;
  return { scope, asked, signals };
}

test("a first visit keeps each checked original for the next; the next takes them, not the .xz", async () => {
  const kept = fakeCaches();
  const first = scopeWithCaches(served(), kept.caches);
  const downloads = installBootFetch(first.scope, DIR, MANIFEST, [], () => {});
  await (await first.scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer();
  await (await first.scope.fetch(`${DIR}numpy-2.whl`)).arrayBuffer();
  assert.equal(kept.store.size, 0, "nothing is stored before keepDecoded(), so the boot never waits for it");
  await downloads.keepDecoded();
  assert.deepEqual(kept.opened.at(-1), DECODED_CACHE);
  assert.deepEqual([...kept.store.keys()].sort(), [`${DIR}numpy-2.whl`, `${DIR}pyodide.asm.wasm`]);
  assert.equal(kept.store.get(`${DIR}pyodide.asm.wasm`).headers["content-type"], "application/wasm");

  const damaged = [];
  const next = scopeWithCaches(served(), kept.caches);
  installBootFetch(next.scope, DIR, MANIFEST, [], (m) => damaged.push(m));
  const wasm = await next.scope.fetch(`${DIR}pyodide.asm.wasm`);
  assert.equal(wasm.headers.get("Content-Type"), "application/wasm");
  assert.deepEqual(new Uint8Array(await wasm.arrayBuffer()), WASM);
  const wheel = await next.scope.fetch(`${DIR}numpy-2.whl`, { integrity: sriOfHex(hex(WHEEL)) });
  assert.deepEqual(new Uint8Array(await wheel.arrayBuffer()), WHEEL);
  // The downloads started at once (a first visit must not wait for the lookup), then stopped.
  assert.equal(next.asked.length, 2);
  assert.ok(next.signals[`${DIR}pyodide.asm.wasm.xz`].aborted);
  assert.ok(next.signals[`${DIR}numpy-2.whl.xz`].aborted);
  assert.deepEqual(damaged, []);
});

test("a kept copy that is not the build's file is deleted and the .xz used instead", async () => {
  const kept = fakeCaches();
  const url = `${DIR}pyodide.asm.wasm`;
  // Right header, wrong bytes (a damaged disk), and a copy from another build (other sha256).
  for (const [body, sha] of [[WHEEL, hex(WASM)], [WHEEL, hex(WHEEL)]]) {
    kept.store.set(url, { body, headers: { "content-type": "application/wasm", "x-kdsite-sha256": sha } });
    const { scope, signals } = scopeWithCaches(served(), kept.caches);
    const damaged = [];
    const downloads = installBootFetch(scope, DIR, MANIFEST, [], (m) => damaged.push(m));
    assert.deepEqual(new Uint8Array(await (await scope.fetch(url)).arrayBuffer()), WASM);
    assert.equal(signals[`${url}.xz`].aborted, false);
    assert.deepEqual(damaged, []);
    await downloads.keepDecoded();
    assert.deepEqual(kept.store.get(url).body, WASM, "replaced by the checked original");
  }
});

test("a kept copy stops the download as soon as it is found, before its bytes are checked", async () => {
  const kept = fakeCaches();
  const url = `${DIR}pyodide.asm.wasm`;
  kept.store.set(url, { body: WASM, headers: { "content-type": "application/wasm", "x-kdsite-sha256": hex(WASM) } });
  // The copy's bytes arrive only when released: until then its check cannot finish.
  let release;
  const released = new Promise((resolve) => (release = resolve));
  const match = kept.caches.open;
  kept.caches.open = async (name) => {
    const cache = await match(name);
    return {
      ...cache,
      match: async (key) => {
        const response = await cache.match(key);
        if (!response) return response;
        const body = new ReadableStream({
          async pull(controller) {
            await released;
            controller.enqueue(new Uint8Array(await response.arrayBuffer()));
            controller.close();
          },
        });
        return new Response(body, { headers: response.headers });
      },
    };
  };
  const { scope, signals } = scopeWithCaches(served(), kept.caches);
  installBootFetch(scope, DIR, MANIFEST, [], () => {});
  const wasm = scope.fetch(url);
  const stopped = () => Boolean(signals[`${url}.xz`] && signals[`${url}.xz`].aborted);
  assert.ok(await settled(stopped), "the download stopped while the copy was still being checked");
  release();
  assert.deepEqual(new Uint8Array(await (await wasm).arrayBuffer()), WASM);
});

test("without Cache Storage, or when it refuses, the downloads work as before", async () => {
  for (const caches of [undefined, { open: async () => { throw new Error("SecurityError"); } }]) {
    const { scope } = scopeWithCaches(served(), caches);
    const downloads = installBootFetch(scope, DIR, MANIFEST, [], () => {});
    assert.deepEqual(new Uint8Array(await (await scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer()), WASM);
    await downloads.keepDecoded(); // resolves, stores nothing
  }
});

/** A page's decoders for installBootFetch (decoders.js' askPageForDecoders in a browser): each
 * "thread" runs runDecoder with `network` and Cache Storage `caches` in this process, as
 * unxz-worker.js does in its own, and talks over a real MessageChannel (so messages arrive later,
 * and copied); its turn to download comes from the Python worker. `fails`: no decoder's script
 * runs (it reports failed); `none`: the page could start none (null ports); `failsOnCheck`: each
 * dies when asked to check a kept copy; `holdsReads`: none answers a {read}, and each can be
 * made to fail (fail()). */
function fakeDecoders(network, { fails = false, none = false, failsMidFile = false, failsOnCheck = false, holdsReads = false, caches = undefined, chained = false } = {}) {
  const made = []; // {job, stopped: boolean, checks: [url], ended: Promise resolved when it ends, fail() if failsMidFile}
  const decoders = async (jobs) => {
    // chained: each passes the turn to the next directly, as decoders.js' spawn links them.
    const batons = chained ? jobs.slice(1).map(() => new MessageChannel()) : [];
    return jobs.map((job, index) => {
      if (none) return null;
      let ended;
      const decoder = { job, stopped: false, checks: [], reads: [], ended: new Promise((resolve) => (ended = resolve)) };
      made.push(decoder);
      const { port1, port2 } = new MessageChannel();
      let failed = new Promise(() => {});
      if (fails) failed = Promise.resolve();
      else if (failsMidFile) {
        // It says the file is there, then dies (as a thread that ran out of memory would).
        port1.postMessage({ status: 200 });
        failed = new Promise((resolve) => (decoder.fail = resolve));
        port1.onmessage = ({ data }) => data.stop && (port1.close(), ended());
      } else {
        const first = new MessageChannel(); // no decoder before it: only the Python worker says {go}
        const after = chained ? (index > 0 ? batons[index - 1].port2 : null) : first.port2;
        const next = chained && index < batons.length ? batons[index].port1 : null;
        const close = () => {
          decoder.stopped = true;
          // As a thread's end: what it posted before still arrives.
          setImmediate(() => [port1, first.port1, first.port2, after, next].forEach((p) => p && p.close()));
          ended();
        };
        runDecoder({ job, port: port1, after, next }, network, close, { caches });
        const serve = port1.onmessage;
        let die;
        if (failsOnCheck) failed = new Promise((resolve) => (die = resolve));
        if (holdsReads) failed = new Promise((resolve) => (decoder.fail = resolve));
        port1.onmessage = (event) => {
          if (event.data.check) decoder.checks.push(event.data.check);
          if (event.data.read) decoder.reads.push(event.data.read);
          if (event.data.check && failsOnCheck) die(), close(); // the thread dies before it answers
          else if (!(event.data.read && holdsReads)) serve(event); // holdsReads: never answers one
        };
      }
      return { port: port2, failed };
    });
  };
  return { decoders, made };
}

test("over http(s), each .xz is downloaded and decompressed by a decoder thread of its own", async () => {
  const { scope, asked } = fakeScope(served());
  const threads = fakeDecoders(scope.fetch);
  const nested = [];
  // Never a worker's own Worker: Firefox may never return from that constructor (decoders.js).
  scope.Worker = class { constructor(url) { nested.push(url); } };
  const damaged = [];
  installBootFetch(scope, DIR, MANIFEST, [], (m) => damaged.push(m), threads.decoders);
  assert.deepEqual(nested, []);
  assert.deepEqual(new Uint8Array(await (await scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer()), WASM);
  assert.deepEqual(new Uint8Array(await (await scope.fetch(`${DIR}numpy-2.whl`)).arrayBuffer()), WHEEL);
  assert.deepEqual(threads.made.map((d) => d.job), [
    { url: `${DIR}pyodide.asm.wasm.xz`, kept: `${DIR}pyodide.asm.wasm`, sha256: hex(WASM), packedSize: WASM_XZ.length,
      label: "_kd/pyodide/pyodide.asm.wasm.xz", priority: "high" },
    { url: `${DIR}numpy-2.whl.xz`, kept: `${DIR}numpy-2.whl`, sha256: hex(WHEEL), packedSize: WHEEL_XZ.length,
      label: "_kd/pyodide/numpy-2.whl.xz", priority: "low" },
  ]);
  assert.deepEqual(asked.sort(), [`${DIR}numpy-2.whl.xz`, `${DIR}pyodide.asm.wasm.xz`]); // by the threads only
  await Promise.all(threads.made.map((d) => d.ended)); // each decoder is told to end once its file is whole
  assert.deepEqual(damaged, []);
});

test("a decoder thread reports a damaged or missing .xz by name, as this thread does", async () => {
  const { scope } = fakeScope(served({ [`${DIR}pyodide.asm.wasm.xz`]: xz(WHEEL), [`${DIR}numpy-2.whl.xz`]: undefined }));
  const damaged = [];
  installBootFetch(scope, DIR, MANIFEST, [], (m) => damaged.push(m), fakeDecoders(scope.fetch).decoders);
  const wasm = await scope.fetch(`${DIR}pyodide.asm.wasm`);
  await assert.rejects(wasm.arrayBuffer(), /pyodide\.asm\.wasm\.xz failed its integrity check/);
  await assert.rejects(scope.fetch(`${DIR}numpy-2.whl`), /numpy-2\.whl\.xz is missing \(HTTP 404\)/);
  assert.equal(damaged.length, 2);
  assert.match(damaged.join("\n"), /make site/);
});

test("where no decoder starts or runs, or the page is not served over http(s), this thread decompresses", async () => {
  const cases = [[DIR, { fails: true }], [DIR, { none: true }], ["file:///home/reader/site/_kd/pyodide/", {}]];
  for (const [dir, how] of cases) {
    const files = Object.fromEntries(Object.entries(served()).map(([u, b]) => [u.replace(DIR, dir), b]));
    const { scope, asked } = fakeScope(files);
    const threads = fakeDecoders(scope.fetch, how);
    installBootFetch(scope, dir, MANIFEST, [], () => {}, threads.decoders);
    assert.deepEqual(new Uint8Array(await (await scope.fetch(`${dir}pyodide.asm.wasm`)).arrayBuffer()), WASM);
    assert.equal(threads.made.length, how.fails ? 2 : 0);
    assert.ok(asked.includes(`${dir}pyodide.asm.wasm.xz`), "downloaded by this thread");
  }
});

/** A first visit, with decoder threads: the caches it leaves with every original kept. */
async function keptWithDecoders() {
  const kept = fakeCaches();
  const first = scopeWithCaches(served(), kept.caches);
  const threads = fakeDecoders(first.scope.fetch, { caches: kept.caches });
  const downloads = installBootFetch(first.scope, DIR, MANIFEST, [], () => {}, threads.decoders);
  for (const name of ["pyodide.asm.wasm", "numpy-2.whl"]) await (await first.scope.fetch(DIR + name)).arrayBuffer();
  await downloads.keepDecoded();
  assert.deepEqual(kept.store.get(`${DIR}numpy-2.whl`).body, WHEEL);
  return kept;
}

test("a kept copy stops its decoder thread, which checks the copy so that the Python worker's thread need not", async () => {
  const kept = await keptWithDecoders();
  const worker = countingReads(kept.caches);
  const next = scopeWithCaches(served(), worker.caches);
  const threads = fakeDecoders(next.scope.fetch, { caches: kept.caches });
  installBootFetch(next.scope, DIR, MANIFEST, [], () => {}, threads.decoders);
  assert.deepEqual(new Uint8Array(await (await next.scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer()), WASM);
  assert.deepEqual(new Uint8Array(await (await next.scope.fetch(`${DIR}numpy-2.whl`)).arrayBuffer()), WHEEL);
  await Promise.all(threads.made.map((d) => d.ended));
  assert.deepEqual(threads.made.map((d) => d.checks), [[`${DIR}pyodide.asm.wasm`], [`${DIR}numpy-2.whl`]]);
  assert.deepEqual(worker.reads, [], "the Python worker's thread hashed no kept copy");
});

test("readKept: the last file's decoder thread reads and checks another kept file (the snapshot), and the Python worker's thread reads none of it", async () => {
  const OTHER = new Uint8Array(50_000).map((_, i) => (i * 3) % 256);
  const url = `${DIR}python-snapshot.bin`;
  const kept = await keptWithDecoders();
  kept.store.set(url, { body: OTHER.slice(), headers: { "x-kdsite-sha256": hex(OTHER) } });
  const worker = countingReads(kept.caches);
  const next = scopeWithCaches(served(), worker.caches);
  const threads = fakeDecoders(next.scope.fetch, { caches: kept.caches });
  const downloads = installBootFetch(next.scope, DIR, MANIFEST, [], () => {}, threads.decoders);
  assert.deepEqual(new Uint8Array(await downloads.readKept(url, hex(OTHER))), OTHER);
  assert.equal(await downloads.readKept(`${DIR}nothing-kept.bin`, hex(OTHER)), null, "nothing kept there");
  // Replaced meanwhile by another file (another tab kept its own): not called damaged, the
  // caller reads the copy it found itself.
  assert.equal(await downloads.readKept(url, hex(WASM)), null);
  kept.store.get(url).body[100] ^= 1;
  assert.equal(await downloads.readKept(url, hex(OTHER)), false, "bytes that fail the check");
  await (await next.scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer();
  assert.deepEqual(worker.reads, [], "the Python worker's thread read no kept copy");
  downloads.unneeded(); // the wheel's decoder ends: it reads nothing more
  await threads.made[1].ended;
  assert.equal(await downloads.readKept(url, hex(OTHER)), null);
  // Where no decoder runs, there is none to ask: the caller reads the file itself.
  const alone = scopeWithCaches(served(), kept.caches);
  assert.equal(await installBootFetch(alone.scope, DIR, MANIFEST, [], () => {}).readKept(url, hex(OTHER)), null);
});

test("readKept resolves to null, not never, when its decoder ends or fails before it answers", async () => {
  const url = `${DIR}python-snapshot.bin`;
  for (const how of ["ended", "failed"]) {
    const kept = await keptWithDecoders();
    const next = scopeWithCaches(served(), kept.caches);
    const threads = fakeDecoders(next.scope.fetch, { caches: kept.caches, holdsReads: true });
    const downloads = installBootFetch(next.scope, DIR, MANIFEST, [], () => {}, threads.decoders);
    const read = downloads.readKept(url, hex(WASM));
    assert.ok(await settled(() => threads.made.length === 2 && threads.made[1].reads.length === 1), "asked");
    if (how === "ended") downloads.unneeded();
    else threads.made[1].fail();
    assert.equal(await read, null);
    if (how === "failed") downloads.unneeded();
  }
});

test("a decoder thread that sees a kept copy downloads nothing, unless the Python worker finds no copy to use", async () => {
  // A second visit: the page starts the decoders before the Python worker has loaded.
  const kept = await keptWithDecoders();
  const next = scopeWithCaches(served(), kept.caches);
  const threads = fakeDecoders(next.scope.fetch, { caches: kept.caches });
  installBootFetch(next.scope, DIR, MANIFEST, [], () => {}, threads.decoders).checkKept();
  assert.deepEqual(new Uint8Array(await (await next.scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer()), WASM);
  await Promise.all(threads.made.map((d) => d.ended));
  assert.deepEqual(next.asked, [], "no .xz was downloaded, not even for a moment");
  // A Python worker that cannot see the kept copies (here: no Cache Storage in its scope) asks
  // the decoders, which see them, to download after all.
  const blind = scopeWithCaches(served(), undefined);
  const theirs = fakeDecoders(blind.scope.fetch, { caches: kept.caches });
  installBootFetch(blind.scope, DIR, MANIFEST, [], () => {}, theirs.decoders);
  assert.deepEqual(new Uint8Array(await (await blind.scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer()), WASM);
  assert.deepEqual(new Uint8Array(await (await blind.scope.fetch(`${DIR}numpy-2.whl`)).arrayBuffer()), WHEEL);
  assert.deepEqual(blind.asked.sort(), [`${DIR}numpy-2.whl.xz`, `${DIR}pyodide.asm.wasm.xz`]);
  await Promise.all(theirs.made.map((d) => d.ended));
});

test("a wheel's kept copy is checked once Python is known to need it, and never read if it is not", async () => {
  const kept = await keptWithDecoders();
  // Restored from a snapshot: the wheel's decoder holds, nothing reads the copy, and unneeded() ends it.
  const worker = countingReads(kept.caches);
  const restored = scopeWithCaches(served(), worker.caches);
  const threads = fakeDecoders(restored.scope.fetch, { caches: kept.caches });
  const downloads = installBootFetch(restored.scope, DIR, MANIFEST, [], () => {}, threads.decoders);
  await (await restored.scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer();
  await threads.made[0].ended;
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(threads.made[1].checks, [], "the wheel's copy is not checked");
  assert.equal(threads.made[1].stopped, false, "its decoder holds");
  downloads.unneeded();
  await threads.made[1].ended;
  assert.deepEqual(threads.made[1].checks, []);
  assert.deepEqual(worker.reads, []);
  assert.deepEqual(restored.asked, [], "nor downloaded");
  // Started in full: checkKept() has the wheel's decoder check its copy at once, before Pyodide asks.
  const full = scopeWithCaches(served(), kept.caches);
  const theirs = fakeDecoders(full.scope.fetch, { caches: kept.caches });
  installBootFetch(full.scope, DIR, MANIFEST, [], () => {}, theirs.decoders).checkKept();
  await Promise.all(theirs.made.map((d) => d.ended));
  assert.deepEqual(theirs.made[1].checks, [`${DIR}numpy-2.whl`]);
  assert.deepEqual(new Uint8Array(await (await full.scope.fetch(`${DIR}numpy-2.whl`)).arrayBuffer()), WHEEL);
  // A damaged one is found then, deleted, and the wheel downloaded instead.
  kept.store.get(`${DIR}numpy-2.whl`).body[100] ^= 1;
  const third = scopeWithCaches(served(), kept.caches);
  const more = fakeDecoders(third.scope.fetch, { caches: kept.caches });
  installBootFetch(third.scope, DIR, MANIFEST, [], () => {}, more.decoders).checkKept();
  assert.deepEqual(new Uint8Array(await (await third.scope.fetch(`${DIR}numpy-2.whl`)).arrayBuffer()), WHEEL);
  assert.ok(third.asked.includes(`${DIR}numpy-2.whl.xz`));
  assert.equal(kept.store.has(`${DIR}numpy-2.whl`), false, "the damaged copy is deleted");
  await (await third.scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer();
});

test("a kept copy its decoder thread finds damaged is deleted, and the file downloaded again", async () => {
  const kept = await keptWithDecoders();
  kept.store.get(`${DIR}pyodide.asm.wasm`).body[100] ^= 1;
  const next = scopeWithCaches(served(), kept.caches);
  const damaged = [];
  const threads = fakeDecoders(next.scope.fetch, { caches: kept.caches });
  const downloads = installBootFetch(next.scope, DIR, MANIFEST, [], (m) => damaged.push(m), threads.decoders);
  assert.deepEqual(new Uint8Array(await (await next.scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer()), WASM);
  assert.deepEqual(threads.made[0].checks, [`${DIR}pyodide.asm.wasm`]);
  assert.deepEqual(damaged, []);
  await downloads.keepDecoded();
  assert.deepEqual(kept.store.get(`${DIR}pyodide.asm.wasm`).body, WASM, "replaced by the checked original");
  downloads.unneeded(); // the wheel's decoder holds until told
});

test("where a decoder thread cannot check a kept copy (it failed, dies checking, was never started, or cannot see it), the Python worker's thread does", async () => {
  // The last: a decoder whose scope has no Cache Storage cannot tell, so must not call the copy damaged.
  for (const how of [{ fails: true }, { none: true }, { failsOnCheck: true }, { blind: true }]) {
    const kept = await keptWithDecoders();
    const worker = countingReads(kept.caches);
    const next = scopeWithCaches(served(), worker.caches);
    const caches = how.blind ? undefined : kept.caches;
    const downloads = installBootFetch(next.scope, DIR, MANIFEST, [], () => {}, fakeDecoders(next.scope.fetch, { ...how, caches }).decoders);
    assert.deepEqual(new Uint8Array(await (await next.scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer()), WASM);
    assert.deepEqual(worker.reads, [`${DIR}pyodide.asm.wasm`]);
    downloads.unneeded(); // the wheel's decoder holds until told
  }
});

/** Run one runDecoder per file name, chained by batons as decoders.js chains them; the Python
 * worker's ports are returned (it never says {go} here) and `closed` gets each index that ended. */
function chainedDecoders(names, fetchFn) {
  const batons = names.slice(1).map(() => new MessageChannel());
  const toWorker = names.map(() => new MessageChannel());
  const closed = [];
  names.forEach((name, i) => {
    const job = { url: `${DIR}${name}.xz`, sha256: hex(WASM), label: name, priority: "high" };
    const links = { after: i ? batons[i - 1].port2 : null, next: batons[i] ? batons[i].port1 : null };
    runDecoder({ job, port: toWorker[i].port1, ...links }, fetchFn, () => closed.push(i));
  });
  const close = () => [...batons, ...toWorker].forEach((c) => (c.port1.close(), c.port2.close()));
  return { toWorker, closed, close };
}

test("decoder threads pass the turn to download along themselves, without the Python worker", async () => {
  const { scope, asked, release } = wasmHeldBack();
  const { close } = chainedDecoders(["pyodide.asm.wasm", "numpy-2.whl"], scope.fetch);
  assert.ok(await settled(() => asked.length === 1));
  await settled(() => asked.length > 1, 50);
  assert.deepEqual(asked, [`${DIR}pyodide.asm.wasm.xz`], "the wheel waits for the wasm");
  release();
  assert.ok(await settled(() => asked.length === 2));
  assert.equal(asked[1], `${DIR}numpy-2.whl.xz`);
  close();
});

test("a decoder thread stopped by the Python worker (a kept copy) passes its turn on and ends", async () => {
  const { scope, asked } = wasmHeldBack();
  const { toWorker, closed, close } = chainedDecoders(["pyodide.asm.wasm", "numpy-2.whl", "other.whl"], scope.fetch);
  assert.ok(await settled(() => asked.length === 1));
  toWorker[1].port2.postMessage({ stop: true });
  assert.ok(await settled(() => closed.includes(1) && asked.length === 2));
  assert.deepEqual(asked, [`${DIR}pyodide.asm.wasm.xz`, `${DIR}other.whl.xz`]);
  close();
});

test("a decoder thread asked to check a kept copy stops its download, passes its turn on, answers, and ends on {stop}", async () => {
  const { scope, asked } = wasmHeldBack();
  const kept = fakeCaches();
  const url = `${DIR}pyodide.asm.wasm`;
  const batons = [new MessageChannel()];
  const toWorker = [new MessageChannel(), new MessageChannel()];
  const closed = [];
  const signals = [];
  const fetchFn = (u, init) => (signals.push(init.signal), scope.fetch(u, init));
  ["pyodide.asm.wasm", "numpy-2.whl"].forEach((name, i) => {
    const job = { url: `${DIR}${name}.xz`, sha256: hex(WASM), label: name, priority: "high" };
    const links = { after: i ? batons[0].port2 : null, next: i ? null : batons[0].port1 };
    runDecoder({ job, port: toWorker[i].port1, ...links }, fetchFn, () => closed.push(i), { caches: kept.caches });
  });
  const answers = [];
  toWorker[0].port2.onmessage = ({ data }) => answers.push(data);
  assert.ok(await settled(() => asked.length === 1));
  await kept.caches.open(DECODED_CACHE).then((c) => c.put(url, new Response(WASM, { headers: { "X-Kdsite-Sha256": hex(WASM) } })));
  toWorker[0].port2.postMessage({ check: url });
  assert.ok(await settled(() => answers.some((a) => "checked" in a)));
  // Its download had begun ({status}); nothing of it follows the check.
  // The bytes it checked go along, so that the Python worker need not read the copy again.
  const answer = answers.filter((a) => !("status" in a));
  assert.equal(answer.length, 1);
  assert.equal(answer[0].checked, true);
  assert.deepEqual(new Uint8Array(answer[0].bytes), WASM);
  assert.ok(signals[0].aborted, "its download stopped");
  assert.ok(await settled(() => asked.length === 2), "the next download began");
  assert.deepEqual(closed, [], "it ends on the {stop} that answers its answer, not before");
  toWorker[0].port2.postMessage({ stop: true });
  assert.ok(await settled(() => closed.includes(0)));
  [...batons, ...toWorker].forEach((c) => (c.port1.close(), c.port2.close()));
});

test("a decoder thread that fails mid-file fails that file by name, not silently", async () => {
  const { scope } = fakeScope(served());
  const threads = fakeDecoders(scope.fetch, { failsMidFile: true });
  installBootFetch(scope, DIR, MANIFEST, [], () => {}, threads.decoders);
  const wasm = await scope.fetch(`${DIR}pyodide.asm.wasm`); // its status came: the file has begun
  for (const decoder of threads.made) decoder.fail();
  await assert.rejects(wasm.arrayBuffer(), /pyodide\.asm\.wasm\.xz could not be decompressed \(its decoder thread failed\)/);
});
