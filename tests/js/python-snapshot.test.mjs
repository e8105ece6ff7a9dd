// Unit tests of the Python snapshot kept between visits (kdsite/static/python-snapshot.js): one
// is used only by the runtime, standard library and wheels it was taken with, and only with its
// sha256 intact; anything else is not used. It comes back with what was kept beside it. Run: node --test tests/js/ (tests/unit/test_protocol_js.py).
// The browser tests (tests/browser/test_precompressed.py) restore a real one.
import assert from "node:assert/strict";
import { test } from "node:test";

import { DECODED_CACHE } from "../../kdsite/static/boot-fetch.js";
import { bundle, packSnapshot, pythonSnapshots, snapshotKey, unbundle, unpackSnapshot } from "../../kdsite/static/python-snapshot.js";
import { countingReads, fakeCaches } from "./fake-caches.mjs";

const DIR = "https://example.test/site/_kd/pyodide/";
const SNAPSHOT_URL = `${DIR}python-snapshot.bin`;
const manifest = (stdlib = "b".repeat(64)) => ({
  files: [
    { name: "pyodide.asm.wasm", packed: "pyodide.asm.wasm.xz", sha256: "a".repeat(64) },
    { name: "python_stdlib.zip", packed: "python_stdlib.zip.xz", sha256: stdlib },
    { name: "numpy-2.whl", packed: "numpy-2.whl.xz", sha256: "c".repeat(64) },
  ],
});
const MEMORY = new Uint8Array(100_000).map((_, i) => (i * 13) % 256);
// What python-libraries.js keeps beside it: JSON, and the bytes of numpy's compiled modules.
const META = { libraries: [{ path: "/lib/a.so", handle: 8 }, { path: "/lib/b.so", handle: 72 }], linkDigest: "f".repeat(64) };
const FILES = [new Uint8Array([0, 97, 115, 109, 1]), new Uint8Array(3000).fill(5)];
const KEPT = { snapshot: MEMORY, meta: META, files: FILES };

/** What take() gives, once its bytes are read: {snapshot, meta, files}, or null. */
async function taken(store) {
  const kept = await store.take();
  if (!kept) return null;
  return { snapshot: kept.snapshot, ...(await kept.loaded) };
}

/** A first visit keeps MEMORY; returns the caches a next visit finds. */
async function keptByAFirstVisit(files = manifest()) {
  const kept = fakeCaches();
  const first = pythonSnapshots({ caches: kept.caches }, DIR, files);
  assert.equal(await first.take(), null); // nothing kept yet
  await first.keep(MEMORY, META, FILES);
  return kept;
}

test("a snapshot is kept without its zero pages, and unpacked exactly", () => {
  // Zero pages, a page with one byte set, and a last page cut short.
  const memory = new Uint8Array(4096 * 5 + 100);
  memory.set(MEMORY.subarray(0, 4096), 4096);
  memory[4096 * 3 + 17] = 9;
  memory[memory.length - 1] = 1;
  const packed = packSnapshot(memory);
  assert.ok(packed.length < 4096 * 3 + 200, `zero pages dropped (${packed.length} bytes)`);
  assert.deepEqual(unpackSnapshot(packed), memory);
  const into = new Uint8Array(memory.length);
  assert.equal(unpackSnapshot(packed, into), into, "written into the array given");
  assert.deepEqual(into, memory);
  assert.throws(() => unpackSnapshot(packed, new Uint8Array(memory.length - 1)), /of 20580 bytes, not 20579/);
  for (const bytes of [new Uint8Array(0), new Uint8Array(4096), MEMORY]) assert.deepEqual(unpackSnapshot(packSnapshot(bytes)), bytes);
  assert.throws(() => unpackSnapshot(packed.subarray(0, packed.length - 1)), /not a packed Python snapshot/);
});

test("the key names the runtime, the stdlib and the wheels", () => {
  const key = snapshotKey(manifest());
  assert.match(key, /pyodide\.asm\.wasm=a{64}/);
  assert.match(key, /python_stdlib\.zip=b{64}/);
  assert.match(key, /numpy-2\.whl=c{64}/);
  assert.notEqual(snapshotKey(manifest("d".repeat(64))), key);
  const otherNumpy = manifest();
  otherNumpy.files[2].sha256 = "e".repeat(64);
  assert.notEqual(snapshotKey(otherNumpy), key);
});

test("a snapshot is kept with its libraries' JSON and bytes, and read back exactly", () => {
  assert.deepEqual(unbundle(bundle(MEMORY, META, FILES)), KEPT);
  assert.deepEqual(unbundle(bundle(MEMORY)), { snapshot: MEMORY, meta: null, files: [] });
  const bytes = bundle(MEMORY, META, FILES);
  assert.throws(() => unbundle(bytes.subarray(0, bytes.length - 1)), /not a kept Python snapshot/);
});

test("a snapshot kept by one visit is what the next visit starts from", async () => {
  const kept = await keptByAFirstVisit();
  assert.deepEqual([...kept.store.keys()], [SNAPSHOT_URL]);
  assert.ok(kept.opened.every((name) => name === DECODED_CACHE));
  const next = pythonSnapshots({ caches: kept.caches }, DIR, manifest());
  const found = await next.take();
  assert.deepEqual(found.snapshot, new Uint8Array(MEMORY.length), "its size is known before its bytes are read");
  assert.deepEqual({ snapshot: found.snapshot, ...(await found.loaded) }, KEPT);
  assert.equal(await next.take(), null, "given once: the store does not hold it after");
});

test("another build's stdlib: the snapshot is not used", async () => {
  const kept = await keptByAFirstVisit();
  const next = pythonSnapshots({ caches: kept.caches }, DIR, manifest("d".repeat(64)));
  assert.equal(await next.take(), null);
  // Replaced once the new build's Python has started.
  await next.keep(MEMORY.slice(0, 10));
  assert.deepEqual(await taken(pythonSnapshots({ caches: kept.caches }, DIR, manifest("d".repeat(64)))),
    { snapshot: MEMORY.slice(0, 10), meta: null, files: [] });
});

test("a damaged snapshot (its sha256 is not the one kept with it) is not used, and is deleted", async () => {
  const kept = await keptByAFirstVisit();
  kept.store.get(SNAPSHOT_URL).body[500] ^= 1;
  const found = await pythonSnapshots({ caches: kept.caches }, DIR, manifest()).take();
  await assert.rejects(found.loaded, /its sha256 is not the one kept with it/);
  assert.deepEqual(found.snapshot, new Uint8Array(MEMORY.length), "nothing of it written");
  await new Promise((resolve) => setTimeout(resolve));
  assert.equal(kept.store.size, 0);
});

test("take(readElsewhere): another thread reads and checks the bytes, and this one reads none", async () => {
  const kept = await keptByAFirstVisit();
  const entry = kept.store.get(SNAPSHOT_URL);
  const asked = [];
  // As boot-fetch.js' readKept: the bytes, once their sha256 is the one kept with them.
  const readElsewhere = async (url, sha256) => (asked.push([url, sha256]), entry.body.slice().buffer);
  const view = countingReads(kept.caches);
  const found = await pythonSnapshots({ caches: view.caches }, DIR, manifest()).take(readElsewhere);
  assert.deepEqual({ snapshot: found.snapshot, ...(await found.loaded) }, KEPT);
  assert.deepEqual(asked, [[SNAPSHOT_URL, entry.headers["x-kdsite-sha256"]]]);
  assert.deepEqual(view.reads, [], "this thread read none of it");
});

test("take(readElsewhere): bytes that fail the other thread's check are not used, and deleted; where it cannot read them, this thread does", async () => {
  const kept = await keptByAFirstVisit();
  const found = await pythonSnapshots({ caches: kept.caches }, DIR, manifest()).take(async () => false);
  await assert.rejects(found.loaded, /its sha256 is not the one kept with it/);
  assert.deepEqual(found.snapshot, new Uint8Array(MEMORY.length), "nothing of it written");
  assert.equal(kept.store.size, 0, "deleted");

  for (const cannot of [async () => null, async () => { throw new Error("its thread died"); }]) {
    const again = await keptByAFirstVisit();
    const view = countingReads(again.caches);
    const store = pythonSnapshots({ caches: view.caches }, DIR, manifest());
    assert.deepEqual(await taken({ take: () => store.take(cannot) }), KEPT);
    assert.deepEqual(view.reads, [SNAPSHOT_URL], "read here instead");
    // And checked here: a damaged copy read here is refused as before.
    again.store.get(SNAPSHOT_URL).body[500] ^= 1;
    const damaged = await pythonSnapshots({ caches: again.caches }, DIR, manifest()).take(cannot);
    await assert.rejects(damaged.loaded, /its sha256 is not the one kept with it/);
  }
});

test("a snapshot kept without its size (an older build's format) is not used", async () => {
  const kept = await keptByAFirstVisit();
  const entry = kept.store.get(SNAPSHOT_URL);
  for (const size of [null, "", "0", "-5", "1.5", "many"]) {
    const headers = new Headers(entry.headers);
    if (size === null) headers.delete("X-Kdsite-Snapshot-Size");
    else headers.set("X-Kdsite-Snapshot-Size", size);
    kept.store.set(SNAPSHOT_URL, { ...entry, headers });
    assert.equal(await pythonSnapshots({ caches: kept.caches }, DIR, manifest()).take(), null, `size ${size}`);
  }
});

test("discard() replaces the snapshot by a mark: this build keeps no other, the next build does", async () => {
  const kept = await keptByAFirstVisit();
  await pythonSnapshots({ caches: kept.caches }, DIR, manifest()).discard();
  assert.equal(kept.store.get(SNAPSHOT_URL).body.length, 0);
  const next = pythonSnapshots({ caches: kept.caches }, DIR, manifest());
  assert.equal(await next.take(), null);
  await next.keep(MEMORY, META, FILES);
  assert.equal(await pythonSnapshots({ caches: kept.caches }, DIR, manifest()).take(), null, "not kept again");
  const newBuild = pythonSnapshots({ caches: kept.caches }, DIR, manifest("d".repeat(64)));
  assert.equal(await newBuild.take(), null);
  await newBuild.keep(MEMORY, META, FILES);
  assert.deepEqual(await taken(pythonSnapshots({ caches: kept.caches }, DIR, manifest("d".repeat(64)))), KEPT);
});

test("discard() where the mark cannot be stored: the snapshot is deleted", async () => {
  const kept = await keptByAFirstVisit();
  const open = kept.caches.open;
  kept.caches.open = async (name) => {
    const cache = await open(name);
    return { ...cache, match: cache.match.bind(cache), delete: cache.delete.bind(cache), put: async () => { throw new Error("QuotaExceededError"); } };
  };
  await pythonSnapshots({ caches: kept.caches }, DIR, manifest()).discard();
  assert.equal(kept.store.size, 0);
});

test("no Cache Storage, or one that refuses: nothing kept, nothing thrown", async () => {
  const refusing = { open: async () => { throw new Error("SecurityError"); } };
  const full = fakeCaches();
  full.caches.open = async () => ({
    match: async () => undefined,
    put: async () => { throw new Error("QuotaExceededError"); },
    delete: async () => false,
  });
  for (const caches of [undefined, refusing, full.caches]) {
    const store = pythonSnapshots({ caches }, DIR, manifest());
    assert.equal(await store.take(), null);
    await store.keep(MEMORY);
    await store.discard();
  }
});
