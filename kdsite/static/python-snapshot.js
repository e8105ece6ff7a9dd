// Python as it stood just after it started, kept in this browser between visits. Starting
// Python (Py_Initialize and Pyodide's bootstrap imports) takes most of a warm boot: ~0.6 s of
// ~1.7 s on these machines. Pyodide 0.27 can start from a copy of its WebAssembly memory taken
// right after a start (loadPyodide's `_makeSnapshot` / `_loadSnapshot`, makeMemorySnapshot()),
// which skips that work. The copy must be taken before any package loads: numpy's compiled
// modules live outside that memory, so a later copy could not be restored.
//
// A snapshot belongs to one runtime and one standard library: Python's memory holds offsets
// into the stdlib zip it read. So it is kept under a key naming the sha256 of both (the
// build's BOOT_FILES), and with its own sha256, checked before use; one that fails either is
// not used (and is replaced once this visit's Python has started).

import { SHA256_HEADER, openDecodedCache, sha256Hex } from "./boot-fetch.js";

/** Bump when worker.js starts Python with other options: a snapshot holds their effect. */
const FORMAT = "kdsite-python-snapshot-1";
const KEY_HEADER = "X-Kdsite-Snapshot-Of";
/** Where the snapshot is kept in the decoded cache (no such file is ever served). */
const SNAPSHOT_NAME = "python-snapshot.bin";

// Half of a just-started Python's memory is zero pages; they are not stored (packSnapshot), so
// reading the copy back, on the critical path of a warm start, reads half as much.
const PAGE = 4096;

/** True when bytes[start, end) are all zero; `words` is the same memory as a Uint32Array, or null
 * when it is not 4-byte aligned. Word by word where it can: ~4 times faster on 20 MB. */
function isZero(bytes, words, start, end) {
  let i = start;
  if (words) {
    for (const last = end >> 2; i >> 2 < last; i += 4) if (words[i >> 2] !== 0) return false;
  }
  for (; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** `snapshot` (makeMemorySnapshot()'s bytes) without its zero pages: a 4-byte little-endian
 * length, a bitmap of the PAGE-byte pages kept (bit set: kept), then those pages in order. */
export function packSnapshot(snapshot) {
  const pages = Math.ceil(snapshot.length / PAGE);
  const bitmap = new Uint8Array(Math.ceil(pages / 8));
  const kept = [];
  const words = snapshot.byteOffset % 4 === 0 ? new Uint32Array(snapshot.buffer, snapshot.byteOffset, snapshot.length >> 2) : null;
  for (let page = 0; page < pages; page++) {
    const start = page * PAGE;
    const end = Math.min(start + PAGE, snapshot.length);
    if (!isZero(snapshot, words, start, end)) {
      bitmap[page >> 3] |= 1 << (page & 7);
      kept.push(snapshot.subarray(start, end));
    }
  }
  const out = new Uint8Array(4 + bitmap.length + kept.reduce((n, b) => n + b.length, 0));
  new DataView(out.buffer).setUint32(0, snapshot.length, true);
  out.set(bitmap, 4);
  let at = 4 + bitmap.length;
  for (const bytes of kept) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** The snapshot packSnapshot(snapshot) was made from. Throws on bytes it could not have made. */
export function unpackSnapshot(packed) {
  const length = new DataView(packed.buffer, packed.byteOffset, packed.byteLength).getUint32(0, true);
  const pages = Math.ceil(length / PAGE);
  const bitmap = packed.subarray(4, 4 + Math.ceil(pages / 8));
  const snapshot = new Uint8Array(length);
  let at = 4 + bitmap.length;
  for (let page = 0; page < pages; page++) {
    if (!(bitmap[page >> 3] & (1 << (page & 7)))) continue;
    const size = Math.min(PAGE, length - page * PAGE);
    snapshot.set(packed.subarray(at, at + size), page * PAGE);
    at += size;
  }
  if (at !== packed.length) throw new Error("not a packed Python snapshot");
  return snapshot;
}

/** The key a snapshot is kept under: FORMAT and the sha256 of every file of `manifest`
 * (boot-files.js' BOOT_FILES) that Python's start reads, i.e. all but the wheels. */
export function snapshotKey(manifest) {
  const started = manifest.files.filter((file) => !file.name.endsWith(".whl"));
  return [FORMAT, ...started.map((file) => `${file.name}=${file.sha256}`)].join(" ");
}

/**
 * The snapshot store of the site whose Pyodide folder is `dir` (a URL ending in "/"), for the
 * runtime `manifest` lists, in `scope`'s Cache Storage (a worker's global). The lookup starts
 * at once. Returns {take(), keep(bytes), discard()}:
 * - take(): a Promise of the snapshot an earlier visit kept (a Uint8Array, its sha256 checked)
 *   or of null (none; another runtime's; damaged: then deleted; or no Cache Storage); never
 *   rejects. Only the first call gets it (later ones get null), so the store does not hold its
 *   ~20 MB once Python has it.
 * - keep(bytes): store `bytes` (makeMemorySnapshot()'s Uint8Array, packed) for the next visit; resolves
 *   when done, never rejects (storage full or refused: the next visit starts as a first one).
 * - discard(): delete the kept snapshot (Python restored from it then failed); never rejects.
 */
export function pythonSnapshots(scope, dir, manifest) {
  const url = new URL(SNAPSHOT_NAME, dir).href;
  const key = snapshotKey(manifest);
  const cache = Promise.resolve(openDecodedCache(scope));
  const lookup = cache
    .then(async (store) => {
      const response = store && (await store.match(url));
      if (!response || response.headers.get(KEY_HEADER) !== key) return null;
      const packed = new Uint8Array(await response.arrayBuffer());
      if ((await sha256Hex(packed)) === response.headers.get(SHA256_HEADER)) return unpackSnapshot(packed);
      await store.delete(url);
      return null;
    })
    .catch(() => null);
  let kept = lookup;
  return {
    take() {
      const snapshot = kept || Promise.resolve(null);
      kept = null;
      return snapshot;
    },
    async keep(bytes) {
      try {
        const store = await cache;
        if (!store) return;
        const packed = packSnapshot(bytes);
        const headers = { "Content-Type": "application/octet-stream", [KEY_HEADER]: key, [SHA256_HEADER]: await sha256Hex(packed) };
        await store.put(url, new Response(packed, { headers }));
      } catch {
        // The next visit starts Python as a first one does.
      }
    },
    async discard() {
      try {
        const store = await cache;
        if (store) await store.delete(url);
      } catch {
        // Nothing to delete, or no storage: nothing kept to mislead the next visit either.
      }
    },
  };
}
