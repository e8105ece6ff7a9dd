// The Python worker's downloads (worker.js). The build (kdsite/pyodide/precompress.py) ships
// pyodide.asm.wasm, python_stdlib.zip and the wheels as xz (`<name>.xz`, listed with the
// sha256 of each original in _kd/pyodide/boot-files.js): GitHub Pages sends zips and wheels as
// they are, some hosts compress nothing, and xz sends 30 % fewer bytes than gzip. This starts
// every one of those downloads at once, when the worker starts, and answers Pyodide's fetch() of
// an original from its .xz: decompressed as it arrives (so WebAssembly still compiles while it
// downloads), and checked against the build's sha256 before the stream ends, and against any
// `integrity` Pyodide asks for. A file that is missing, not xz, or not the build's fails Python
// with a message naming it.
// Once Python is ready, the worker keeps each original it decompressed in Cache Storage
// (keepDecoded), so the next visit neither downloads nor decompresses it again, and hands
// Pyodide that cached Response: Chromium reuses compiled WebAssembly only for a Response it
// fetched or took from Cache Storage, never for one built from bytes. A kept copy is used only
// while its sha256 is still the build's.

import { XzReadableStream } from "./vendor/xz-decompress.js";

/** Hex sha256 of bytes. */
export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The Subresource Integrity string ("sha256-<base64>") of a hex sha256. */
export function sriOfHex(hex) {
  let binary = "";
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return `sha256-${btoa(binary)}`;
}

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** A stream of `compressed` (an xz byte stream) decompressed; it errors with a message naming
 * `label` (and calls onDamaged(message)) when the data is not xz or its sha256 is not `sha256`.
 * onChecked(bytes), if given, receives the whole file once it passed that check. */
export function checkedUnxz(compressed, sha256, label, onDamaged, onChecked = () => {}) {
  const reader = new XzReadableStream(compressed).getReader();
  const chunks = []; // kept to hash the whole file before the stream may end
  const fail = (controller, problem) => {
    const message = `${label} ${problem}; the file was damaged or changed: rebuild the site (make site).`;
    onDamaged(message);
    controller.error(new TypeError(message));
  };
  return new ReadableStream({
    async pull(controller) {
      let step;
      try {
        step = await reader.read();
      } catch (err) {
        fail(controller, `is not valid xz (${(err && err.message) || err})`);
        return;
      }
      if (!step.done) {
        chunks.push(step.value);
        controller.enqueue(step.value);
        return;
      }
      const whole = concat(chunks);
      chunks.length = 0;
      const got = await sha256Hex(whole);
      if (got === sha256) {
        onChecked(whole);
        controller.close();
      } else fail(controller, `failed its integrity check: once decompressed its sha256 is ${got}, but the build made ${sha256}`);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

const TYPES = { wasm: "application/wasm", zip: "application/zip", whl: "application/zip" };

/** The Cache Storage cache holding decompressed originals between visits. Not named `kdsite-…`:
 * sw.js deletes those when a new build activates, and a kept copy is checked by sha256 anyway. */
export const DECODED_CACHE = "kdsite:decoded";
const SHA256_HEADER = "X-Kdsite-Sha256";

/** The scope's decoded cache, or null where there is no Cache Storage (Node, file:// pages,
 * some private windows): a Promise of the Cache, or null. */
function openDecodedCache(scope) {
  try {
    return scope.caches ? scope.caches.open(DECODED_CACHE).catch(() => null) : null;
  } catch {
    return null; // an opaque origin may refuse even the lookup
  }
}

/** The kept copy of `url` if it is the build's file (its bytes hash to `sha256`), else null; a
 * damaged copy is deleted. */
async function keptCopy(cache, url, sha256) {
  const response = await cache.match(url);
  if (!response || response.headers.get(SHA256_HEADER) !== sha256) return null;
  if ((await sha256Hex(await response.clone().arrayBuffer())) === sha256) return response;
  await cache.delete(url);
  return null;
}

/**
 * The work of one decoder thread (unxz-worker.js): download `job.url` (an .xz) with fetchFn,
 * post {status} (its HTTP status), then, if it is there, the original decompressed and checked
 * (checkedUnxz) as {chunk: Uint8Array} messages as it comes, and {done: true}; or, once, {error,
 * damaged}: a message naming `job.label`, damaged true when the file is not xz or not the build's.
 */
export async function decodeJob(fetchFn, job, post) {
  let response;
  try {
    response = await fetchFn(job.url, { priority: job.priority });
  } catch (err) {
    post({ error: `${job.label} could not be downloaded (${(err && err.message) || err}).`, damaged: false });
    return;
  }
  post({ status: response.status });
  if (!response.ok) return;
  let damage = null;
  const reader = checkedUnxz(response.body, job.sha256, job.label, (message) => (damage = message)).getReader();
  try {
    for (let step = await reader.read(); !step.done; step = await reader.read()) post({ chunk: step.value });
    post({ done: true });
  } catch (err) {
    post({ error: damage || `${job.label} could not be downloaded (${(err && err.message) || err}).`, damaged: !!damage });
  }
}

/**
 * Start downloading every file of `manifest` (boot-files.js' BOOT_FILES: {files: [{name, packed,
 * sha256}]}, names relative to `dir`) and `extra` URLs (fetched as they are), all at once, and
 * replace scope.fetch so a fetch of one of them gets that download: a file's original, from the
 * copy kept by an earlier visit or else from its .xz, decompressed and checked; an extra URL, a
 * copy of its response. Over http(s), given `decoders` (decoders.js' askPageForDecoders, bound
 * to the worker), each .xz is downloaded and decompressed as it arrives by a decoder thread the
 * page started, in parallel and off the thread that starts Python; elsewhere (file:// pages,
 * Node), or where a decoder cannot start, in this thread as it is read. A later fetch of the same
 * file (Pyodide retries a failed wasm compile) downloads again. Any other URL goes to the
 * network. onDamaged(message) is called once per damaged file. Returns {keepDecoded}:
 * keepDecoded() stores every original decompressed so far in Cache Storage for the next visit
 * and resolves when done (never rejects); call it once Python is ready, so writing ~20 MB never
 * competes with the boot.
 */
export function installBootFetch(scope, dir, manifest, extra, onDamaged, decoders = null) {
  const network = scope.fetch.bind(scope);
  const cache = openDecodedCache(scope);
  const files = new Map(); // original's URL -> {file, kept: Promise<Response|null>|null, source}
  const plain = new Map(); // extra URL -> Promise<Response>, cloned for each caller
  const decoded = []; // [original's URL, body, file, type] checked this visit, for keepDecoded()

  const typeOf = (file) => TYPES[file.name.split(".").pop()] || "application/octet-stream";
  const labelOf = (file) => `_kd/pyodide/${file.packed}`;
  const keep = (url, file) => (body) => decoded.push([url, body, file, typeOf(file)]);
  const jobOf = (file, priority) => ({ url: new URL(file.packed, dir).href, sha256: file.sha256, label: labelOf(file), priority });

  /** A download decompressed in this thread when read: {opened: Promise<{status, body()}>, stop()}. */
  function inThisThread(url, file, priority) {
    const abort = new AbortController();
    const opened = network(new URL(file.packed, dir).href, { priority, signal: abort.signal }).then((response) => ({
      status: response.status,
      body: () => checkedUnxz(response.body, file.sha256, labelOf(file), onDamaged, keep(url, file)),
    }));
    opened.catch(() => {}); // reported when Pyodide asks for it
    return { opened, stop: () => abort.abort() };
  }

  /** A download decompressed by the decoder `thread` will be (a Promise of {port, failed}, or of
   * null when there is none: then this thread's download instead). Same shape as inThisThread's. */
  function inItsOwnThread(url, file, priority, thread) {
    const chunks = [];
    let stream;
    const body = new ReadableStream({ start: (controller) => void (stream = controller) });
    let open;
    let fail;
    const opened = new Promise((resolve, reject) => ((open = resolve), (fail = reject)));
    opened.catch(() => {});
    let heard = false;
    let finished = false;
    let stopped = false;
    let port = null;
    let fallback = null;
    const inThisOne = () => {
      fallback = inThisThread(url, file, priority);
      open(fallback.opened);
    };
    const end = () => {
      finished = true;
      port.onmessage = null;
      // The decoder closes, which unties the port; closing it here could drop the {stop}.
      port.postMessage({ stop: true });
    };
    thread.then((decoder) => {
      if (!decoder) return stopped || inThisOne();
      port = decoder.port;
      if (stopped) return end();
      port.onmessage = ({ data }) => {
        heard = true;
        if ("status" in data) {
          open({ status: data.status, body: () => body });
          if (!(data.status >= 200 && data.status < 300)) end(); // nothing follows a failed status
        } else if (data.chunk) {
          chunks.push(data.chunk);
          stream.enqueue(data.chunk);
        } else if (data.done) {
          end();
          stream.close();
          keep(url, file)(new Blob(chunks));
        } else if (data.error) {
          end();
          if (data.damaged) onDamaged(data.error);
          fail(new TypeError(data.error));
          stream.error(new TypeError(data.error));
        }
      };
      decoder.failed.then(() => {
        if (finished || stopped) return;
        end();
        // Its script did not run (missing, refused): this thread downloads the file instead.
        if (!heard) return inThisOne();
        // It failed mid-file: Python cannot start without the file, so say which one.
        const message = `${labelOf(file)} could not be decompressed (its decoder thread failed); reload the page.`;
        fail(new TypeError(message));
        stream.error(new TypeError(message));
      });
    });
    const stop = () => {
      stopped = true;
      if (port && !finished) end();
      if (fallback) fallback.stop();
    };
    return { opened, stop };
  }

  // One decoder per .xz, asked of the page once, for all of them at once.
  const jobs = manifest.files.map((file) => jobOf(file, file.name.endsWith(".whl") ? "low" : "high"));
  const threads = decoders && /^https?:$/.test(new URL(dir).protocol) ? decoders(jobs) : null;
  if (threads) threads.catch(() => {});
  manifest.files.forEach((file, index) => {
    const url = new URL(file.name, dir).href;
    // The wasm first: Python's start waits for its compile; the wheels are needed last.
    const { priority } = jobs[index];
    // The download starts at once (with decoders, once the page started them) even when a copy
    // may be kept: looking it up costs a disk read that a first visit should not wait for; a
    // copy found stops the download.
    const source = threads
      ? inItsOwnThread(url, file, priority, threads.then((all) => all[index], () => null))
      : inThisThread(url, file, priority);
    let kept = null;
    if (cache) {
      kept = cache.then((c) => (c ? keptCopy(c, url, file.sha256) : null)).catch(() => null);
      kept.then((response) => response && source.stop());
    }
    files.set(url, { file, kept, source });
  });
  for (const url of extra) {
    const download = network(url);
    download.catch(() => {});
    plain.set(new URL(url).href, download);
  }

  async function fromPacked(url, entry, init) {
    const { file } = entry;
    const label = labelOf(file);
    if (init.integrity && init.integrity !== sriOfHex(file.sha256)) {
      const message = `${label} is not the file the site lock names (integrity ${init.integrity}); rebuild the site (make site).`;
      onDamaged(message);
      throw new TypeError(message);
    }
    const kept = entry.kept && (await entry.kept);
    entry.kept = null;
    const source = kept ? null : entry.source || inThisThread(url, file, "high");
    entry.source = null;
    if (kept) return kept;
    const { status, body } = await source.opened;
    if (!(status >= 200 && status < 300)) {
      const message = `${label} is missing (HTTP ${status}); rebuild the site (make site).`;
      onDamaged(message);
      throw new TypeError(message);
    }
    return new Response(body(), { headers: { "Content-Type": typeOf(file) } });
  }

  scope.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), dir);
    url.search = url.hash = "";
    const entry = files.get(url.href);
    if (entry) return fromPacked(url.href, entry, init || {});
    const early = plain.get(url.href);
    if (early) return early.then((response) => response.clone());
    return network(input, init);
  };

  async function keepDecoded() {
    const store = cache && (await cache);
    const batch = decoded.splice(0);
    if (!store) return;
    for (const [url, bytes, file, type] of batch) {
      const headers = { "Content-Type": type, [SHA256_HEADER]: file.sha256 };
      try {
        await store.put(url, new Response(bytes, { headers }));
      } catch {
        // Storage full or refused: the next visit downloads again, as a first one does.
      }
    }
  }
  return { keepDecoded };
}
