// Python as an earlier visit left it once numpy and kdsite were imported, kept in this browser
// between visits. Starting Python, loading numpy and importing it take most of a warm boot
// (~1.9 s of ~2.3 s on these machines). Pyodide 0.27 can start from a copy of its WebAssembly
// memory (loadPyodide's `_makeSnapshot` / `_loadSnapshot`, makeMemorySnapshot()), which skips
// that work; python-libraries.js adds what such a copy leaves out: numpy's compiled modules,
// whose bytes and places are kept with it.
//
// A snapshot belongs to one runtime, one standard library and one set of wheels: Python's memory
// holds offsets into the stdlib zip it read, and numpy's and kdsite's code. So it is kept under a
// key naming the sha256 of all of them (the build's BOOT_FILES), and with its own sha256, checked
// before Python uses it: another build's is not used (and is replaced once this visit's Python
// is ready); a damaged one is deleted, and the worker that found it asks for a fresh one.
//
// Its size is kept beside it, so a restore can start before its ~31 MB are read: Pyodide sizes
// Python's memory from the snapshot's length when it starts and reads its bytes only once its
// runtime is compiled (worker.js), ~0.5 s later, which is about the time reading and checking
// them take. They are read and checked by a decoder thread where there is one (take()), not by
// the Python worker's thread, which is starting Python meanwhile.

import { SHA256_HEADER, openDecodedCache, sha256Hex } from "./boot-fetch.js";

/** Bump when worker.js starts Python with other options: a snapshot holds their effect. */
const FORMAT = "kdsite-python-snapshot-3";
const KEY_HEADER = "X-Kdsite-Snapshot-Of";
/** The length of the snapshot, unpacked (makeMemorySnapshot()'s bytes), in bytes. */
const SIZE_HEADER = "X-Kdsite-Snapshot-Size";
// Marks what discard() leaves: the key of a snapshot that failed after a restore. Restoring
// fails the same way every time (the same runtime, the same wheels, the same linking), so
// this build keeps no other: its visits start Python in full, without trying a restore first.
const REFUSED_HEADER = "X-Kdsite-Snapshot-Refused";
/** The largest snapshot size believed: Python's memory as a 32-bit WebAssembly memory can hold. */
const MAX_SIZE = 2 ** 32;
/** Where the snapshot is kept in the decoded cache (no such file is ever served). */
const SNAPSHOT_NAME = "python-snapshot.bin";

// A third of Python's memory is zero pages, once numpy is imported; they are not stored
// (packSnapshot), so reading the copy back, on the critical path of a warm start, reads less.
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

/** `length` as 4 bytes, little-endian, then `parts` (Uint8Arrays), in one Uint8Array. */
function afterLength(length, parts) {
  const out = new Uint8Array(4 + parts.reduce((n, part) => n + part.length, 0));
  new DataView(out.buffer).setUint32(0, length, true);
  let at = 4;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
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
  return afterLength(snapshot.length, [bitmap, ...kept]);
}

/** The snapshot packSnapshot(snapshot) was made from, written into `into` (a zeroed Uint8Array
 * of its length) if given. Throws on bytes it could not have made, or on an `into` of another
 * length. */
export function unpackSnapshot(packed, into = null) {
  const length = new DataView(packed.buffer, packed.byteOffset, packed.byteLength).getUint32(0, true);
  if (into && into.length !== length) throw new Error(`a packed Python snapshot of ${length} bytes, not ${into.length}`);
  const pages = Math.ceil(length / PAGE);
  const bitmap = packed.subarray(4, 4 + Math.ceil(pages / 8));
  let kept = 0;
  for (let page = 0; page < pages; page++) if (bitmap[page >> 3] & (1 << (page & 7))) kept += Math.min(PAGE, length - page * PAGE);
  // Checked before a byte is written: `into` must stay zeroed (no snapshot) unless it is whole.
  if (4 + bitmap.length + kept !== packed.length) throw new Error("not a packed Python snapshot");
  const snapshot = into || new Uint8Array(length);
  let at = 4 + bitmap.length;
  // Kept pages come in a few long runs (about 16 in ~8900 pages with numpy imported): one copy per run.
  for (let page = 0; page < pages;) {
    if (!(bitmap[page >> 3] & (1 << (page & 7)))) {
      page++;
      continue;
    }
    const first = page;
    while (page < pages && bitmap[page >> 3] & (1 << (page & 7))) page++;
    const size = Math.min(page * PAGE, length) - first * PAGE;
    snapshot.set(packed.subarray(at, at + size), first * PAGE);
    at += size;
  }
  return snapshot;
}

/** The key a snapshot is kept under: FORMAT and the sha256 of every file of `manifest`
 * (boot-files.js' BOOT_FILES): the runtime, the stdlib and the wheels a snapshot holds. */
export function snapshotKey(manifest) {
  return [FORMAT, ...manifest.files.map((file) => `${file.name}=${file.sha256}`)].join(" ");
}

/** What keep() stores: a 4-byte little-endian length and the JSON of {meta, sizes}, the packed
 * snapshot, then each of `files` (Uint8Arrays) in order; sizes are the byte lengths of the
 * packed snapshot and of each file. */
export function bundle(snapshot, meta = null, files = []) {
  const packed = packSnapshot(snapshot);
  const head = new TextEncoder().encode(JSON.stringify({ meta, sizes: [packed.length, ...files.map((f) => f.length)] }));
  return afterLength(head.length, [head, packed, ...files]);
}

/** {snapshot, meta, files}, as given to bundle(); the snapshot written into `into` if given
 * (unpackSnapshot). Throws on bytes it could not have made. */
export function unbundle(bytes, into = null) {
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const { meta, sizes } = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headLength)));
  const parts = [];
  let at = 4 + headLength;
  for (const size of sizes) {
    parts.push(bytes.subarray(at, at + size));
    at += size;
  }
  if (at !== bytes.length) throw new Error("not a kept Python snapshot");
  // Copies, so that the ~31 MB read back need not stay alive for the files' sake.
  return { snapshot: unpackSnapshot(parts[0], into), meta, files: parts.slice(1).map((part) => part.slice()) };
}

/**
 * The snapshot store of the site whose Pyodide folder is `dir` (a URL ending in "/"), for the
 * runtime and wheels `manifest` lists, in `scope`'s Cache Storage (a worker's global). The
 * lookup starts at once. Returns {take(readElsewhere), keep(snapshot, meta, files), discard()}:
 * - take(readElsewhere = null): a Promise of null (nothing kept; another build's; no Cache
 *   Storage) or, as soon as the kept snapshot is found, before its bytes are read, of
 *   {snapshot, loaded}: `snapshot` a zeroed Uint8Array of its length, and `loaded` a Promise of
 *   {meta, files} that resolves once the bytes are read, their sha256 checked and the snapshot
 *   written into `snapshot`, or rejects, once the copy is deleted, if they are damaged. The
 *   bytes are read by readElsewhere(url, sha256) if given (boot-fetch.js' readKept: another
 *   thread reads and checks them, and resolves to them, to false if they fail the check, or to
 *   null if it cannot), else, or if it cannot, in this thread. take() itself never rejects.
 *   Only the first call gets it (later ones get null), so the store does not hold it once
 *   Python has it.
 * - keep(snapshot, meta, files): store makeMemorySnapshot()'s Uint8Array, packed, with JSON
 *   `meta` and Uint8Arrays `files`, for the next visit; resolves when done, never rejects
 *   (storage full or refused: the next visit starts as a first one).
 * - discard(): replace the kept snapshot (Python restored from it then failed) by a mark that
 *   stops keep() from keeping another for this build; never rejects.
 */
export function pythonSnapshots(scope, dir, manifest) {
  const url = new URL(SNAPSHOT_NAME, dir).href;
  const key = snapshotKey(manifest);
  const cache = Promise.resolve(openDecodedCache(scope));
  const lookup = cache
    .then(async (store) => {
      const response = store && (await store.match(url));
      if (!response || response.headers.get(KEY_HEADER) !== key || response.headers.has(REFUSED_HEADER)) return null;
      const size = Number(response.headers.get(SIZE_HEADER));
      if (!Number.isSafeInteger(size) || size <= 0 || size > MAX_SIZE) return null;
      return { store, response, size };
    })
    .catch(() => null);
  /** {snapshot, loaded} for the copy lookup found (take()). */
  function load({ store, response, size }, readElsewhere) {
    const snapshot = new Uint8Array(size);
    const sha256 = response.headers.get(SHA256_HEADER);
    const loaded = (async () => {
      try {
        // Read in this thread, ~31 MB arrive in chunks between the long tasks that start Python
        // (a warm start waited up to ~0.2 s for them), and hashing them takes ~70 ms of it.
        let body = readElsewhere ? await readElsewhere(url, sha256).catch(() => null) : null;
        if (body === false) throw new Error("its sha256 is not the one kept with it");
        let digest = null;
        if (!body) {
          body = await response.arrayBuffer();
          // Hashed while this thread unpacks it: both are on the way to a warm start.
          digest = sha256Hex(body);
          digest.catch(() => {});
        }
        // Pyodide reads `snapshot` only once `loaded` resolves, so the bytes of a copy that
        // fails its check are zeroed again before anyone uses them.
        const { meta, files } = unbundle(new Uint8Array(body), snapshot);
        if (digest && (await digest) !== sha256) throw new Error("its sha256 is not the one kept with it");
        return { meta, files };
      } catch (err) {
        // A damaged copy is never used again: zeroed, deleted before anyone hears of it, so the
        // worker that replaces this visit's starts Python in full and keeps another.
        snapshot.fill(0);
        await store.delete(url).catch(() => {});
        throw err;
      }
    })();
    loaded.catch(() => {}); // the worker hears of it through its fsInit hook
    return { snapshot, loaded };
  }
  let kept = lookup;
  return {
    take(readElsewhere = null) {
      const found = kept || Promise.resolve(null);
      kept = null;
      return found.then((entry) => entry && load(entry, readElsewhere));
    },
    async keep(snapshot, meta = null, files = []) {
      try {
        const store = await cache;
        if (!store) return;
        const kept = await store.match(url);
        if (kept && kept.headers.get(KEY_HEADER) === key && kept.headers.has(REFUSED_HEADER)) return;
        const body = bundle(snapshot, meta, files);
        const headers = {
          "Content-Type": "application/octet-stream",
          [KEY_HEADER]: key,
          [SIZE_HEADER]: String(snapshot.length),
          [SHA256_HEADER]: await sha256Hex(body),
        };
        await store.put(url, new Response(body, { headers }));
      } catch {
        // The next visit starts Python as a first one does.
      }
    },
    async discard() {
      const store = await cache;
      if (!store) return;
      try {
        await store.put(url, new Response(new Uint8Array(0), { headers: { [KEY_HEADER]: key, [REFUSED_HEADER]: "1" } }));
      } catch {
        // Storage full: at least the snapshot must not be tried again.
        await store.delete(url).catch(() => {});
      }
    },
  };
}
