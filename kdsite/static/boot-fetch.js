// The Python worker's downloads (worker.js). The build (kdsite/pyodide/precompress.py) ships
// pyodide.asm.wasm, python_stdlib.zip and the wheels as xz (`<name>.xz`, listed with the
// sha256 of each original in _kd/pyodide/boot-files.js): GitHub Pages sends zips and wheels as
// they are, some hosts compress nothing, and xz sends 30 % fewer bytes than gzip. This starts
// those downloads when the worker starts (or the page's decoder threads, started with the page,
// already have; the page itself begins the wasm's, by an inline script), one after another in
// the order Python needs them, and answers Pyodide's fetch() of an original from its .xz:
// decompressed as it arrives (so WebAssembly still compiles while it downloads), and checked
// against the build's sha256 before the stream ends, and against any `integrity` Pyodide asks
// for. A file that is missing, not xz, or not the build's fails Python with a message naming it.
// Once Python is ready, the worker keeps each original it decompressed in Cache Storage
// (keepDecoded), so the next visit neither downloads nor decompresses it again. A kept copy is
// used only while its sha256 is still the build's: the thread that checks it (the file's decoder
// thread where there is one) reads it once and hands Pyodide those bytes, so the Python worker's
// thread, busy starting Python, neither reads nor hashes ~14 MB (a Response it read itself
// arrives in chunks between its long tasks). Chromium would not reuse compiled WebAssembly for
// such a copy either way: a Response built from bytes has no URL, and kept with one (measured,
// Chromium 2026-12) it still compiled lazily on every visit.

import { whenNearlyArrived } from "./arrival.js";
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

/** `body` (a download's stream) read as fast as it arrives, into the stream returned, whoever reads
 * that and however slowly; onEnd() is called once, when the download is over (complete, failed or
 * cancelled), and onChunk(byteLength), if given, as each chunk arrives. A fetch body is otherwise
 * read only as it is pulled, so a decompressor slower than the link would hold the download back,
 * and with it the next one (installBootFetch's turns). */
export function drained(body, onEnd, onChunk = null) {
  const reader = body.getReader();
  let over = false;
  const end = () => over || ((over = true), onEnd());
  return new ReadableStream({
    start(controller) {
      (async () => {
        try {
          for (let step = await reader.read(); !step.done; step = await reader.read()) {
            if (onChunk) onChunk(step.value.byteLength);
            controller.enqueue(step.value);
          }
          controller.close();
        } catch (err) {
          controller.error(err);
        } finally {
          end();
        }
      })();
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
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
/** The header a kept copy names its sha256 in. */
export const SHA256_HEADER = "X-Kdsite-Sha256";

/** The scope's decoded cache, or null where there is no Cache Storage (Node, file:// pages,
 * some private windows): a Promise of the Cache, or null. */
export function openDecodedCache(scope) {
  try {
    return scope.caches ? scope.caches.open(DECODED_CACHE).catch(() => null) : null;
  } catch {
    return null; // an opaque origin may refuse even the lookup
  }
}

/** The copy of `url` an earlier visit kept, if it says it is the build's file (its header names
 * `sha256`): a Response, else null. Found from the header alone, so a download it makes unneeded
 * stops at once; its bytes are checked before use (checkedBytes). */
async function keptCopy(cache, url, sha256) {
  const response = await cache.match(url);
  return response && response.headers.get(SHA256_HEADER) === sha256 ? response : null;
}

/** `response`'s bytes (an ArrayBuffer) when they hash to `sha256`, else false (also when they
 * cannot be read). */
async function checkedBytes(response, sha256) {
  try {
    const bytes = await response.arrayBuffer();
    return (await sha256Hex(bytes)) === sha256 ? bytes : false;
  } catch {
    return false;
  }
}

/** The bytes (an ArrayBuffer) of the copy of `url` that `scope`'s decoded cache holds, if they
 * hash to `sha256`; false if they do not; null when this scope cannot tell (no Cache Storage
 * here, no such copy found, or the copy now there says it is another file: another tab may
 * have replaced the one the Python worker found, which must then not be called damaged). */
async function keptBytes(scope, url, sha256) {
  const cache = await openDecodedCache(scope);
  const response = cache && (await cache.match(url).catch(() => null));
  if (!response || response.headers.get(SHA256_HEADER) !== sha256) return null;
  return checkedBytes(response, sha256);
}

/** Whether `scope`'s decoded cache holds a copy of `url` that says it is the build's file (its
 * header names `sha256`; its bytes are checked only when it is used): false also where this scope
 * cannot tell (no Cache Storage, or it refuses). */
async function keptCopyPresent(scope, url, sha256) {
  try {
    // Not caches.open(): on a first visit that would create the cache, a disk write in every
    // decoder before its download.
    const response = scope.caches && (await scope.caches.match(url, { cacheName: DECODED_CACHE }));
    return Boolean(response && response.headers.get(SHA256_HEADER) === sha256);
  } catch {
    return false;
  }
}

/**
 * The work of one decoder thread (unxz-worker.js): once `turn` resolves (its turn to download,
 * or the Python worker's {download}: runDecoder), download `job.url` (an .xz) with fetchFn, post {status} (its HTTP status), then, if it is
 * there, the original decompressed and checked (checkedUnxz) as {chunk: Uint8Array} messages as
 * it comes, {downloaded: true} once the .xz has all arrived (or the download failed), and
 * {done: true}; or, once, {error, damaged}: a message naming `job.label`, damaged true when the
 * file is not xz or not the build's. `signal` (an AbortSignal) stops the download. arrived() is
 * called when the next download should start: once the rest of this one will arrive within a
 * round trip (whenNearlyArrived, with `job.packedSize`; for a download the page began, when the
 * page says so: fromPage's `nearly`), else when it is over.
 */
export async function decodeJob(fetchFn, job, post, turn = Promise.resolve(), arrived = () => {}, signal = undefined) {
  await turn;
  let response;
  const asked = performance.now();
  try {
    response = await fetchFn(job.url, { priority: job.priority, signal });
  } catch (err) {
    arrived();
    post({ error: `${job.label} could not be downloaded (${(err && err.message) || err}).`, damaged: false });
    return;
  }
  post({ status: response.status });
  if (!response.ok) return arrived();
  let damage = null;
  // A download the page began says itself when it has nearly arrived (fromPage).
  if (response.nearly) response.nearly.then(arrived);
  const nearly = response.nearly ? null : whenNearlyArrived(job.packedSize, performance.now() - asked, arrived);
  const compressed = drained(response.body, () => (arrived(), post({ downloaded: true })), nearly);
  const reader = checkedUnxz(compressed, job.sha256, job.label, (message) => (damage = message)).getReader();
  try {
    for (let step = await reader.read(); !step.done; step = await reader.read()) post({ chunk: step.value });
    post({ done: true });
  } catch (err) {
    post({ error: damage || `${job.label} could not be downloaded (${(err && err.message) || err}).`, damaged: !!damage });
  }
}

const labelOf = (file) => `_kd/pyodide/${file.packed}`;

/** The decoder jobs for `manifest`'s files (BOOT_FILES), in its order: {url (of the .xz, in
 * `dir`), kept (the original's URL), sha256, packedSize (the .xz's bytes), label, priority}. The
 * page may start the decoders with them before the Python worker asks (decoders.js'
 * startDecoders), so both make them here. */
export function bootJobs(manifest, dir) {
  return manifest.files.map((file) => ({
    url: new URL(file.packed, dir).href,
    kept: new URL(file.name, dir).href, // where an earlier visit keeps the original (keepDecoded)
    sha256: file.sha256,
    packedSize: file.packed_size,
    label: labelOf(file),
    // The wasm first: Python's start waits for its compile; the wheels are needed last.
    priority: file.name.endsWith(".whl") ? "low" : "high",
  }));
}

/** A Promise that rejects with `signal`'s reason once it is aborted. */
const abortOf = (signal) =>
  new Promise((_, reject) =>
    signal.aborted ? reject(signal.reason) : signal.addEventListener("abort", () => reject(signal.reason), { once: true }));

/**
 * For a download the page began and relays over `port` (decoders.js' relayDownload): {fetch,
 * drop}. The first fetch() answers {ok, status, body, nearly}: the body a stream of the chunks
 * as the page relays them, `nearly` a Promise that resolves when the page judges the rest will
 * arrive within a round trip (it sees when the chunks arrive; this thread may start long after
 * the first ones). It is `fetchFn` when the page has none ({none}), for any later fetch, and
 * after drop(). drop() asks the page to stop its download, if not over, and lets go of what it
 * still relays (a body already handed out fails); so do an abort of the fetch's `signal` (also
 * while it waits for the page's answer) and a cancel of the body. Chunks that come before the
 * fetch wait in the body.
 */
export function fromPage(port, fetchFn) {
  let head;
  const headed = new Promise((resolve) => (head = resolve));
  let near;
  const nearly = new Promise((resolve) => (near = resolve));
  let stream;
  let taken = false; // a fetch has the body
  let stopped = false; // the page's download is not wanted
  let over = false; // all relayed, or failed, or there is none: nothing to stop
  let shut = false; // the body is closed, errored or cancelled: it takes nothing more
  const end = (how) => shut || ((shut = true), how());
  const drop = () => {
    // What still comes is let go: never handed out, the body just ends; else it fails.
    end(() => (taken ? stream.error(new DOMException("The page's download was stopped.", "AbortError")) : stream.close()));
    if (!over && !stopped) port.postMessage({ cancel: true });
    stopped = true;
  };
  const body = new ReadableStream({
    start: (controller) => void (stream = controller),
    cancel: () => ((shut = true), drop()),
  });
  port.onmessage = ({ data }) => {
    if (data.none || "status" in data) ((over = !!data.none), head(data));
    else if (data.nearly) near();
    else if (data.chunk) shut || stream.enqueue(data.chunk);
    else if (data.end) ((over = true), end(() => stream.close()));
    else if (data.error) ((over = true), end(() => stream.error(new TypeError(data.error))));
  };
  const fetch = async (url, init = {}) => {
    const { signal } = init;
    if (taken || stopped) return fetchFn(url, init);
    if (signal && signal.aborted) {
      drop();
      throw signal.reason;
    }
    let answer;
    try {
      answer = await (signal ? Promise.race([headed, abortOf(signal)]) : headed);
    } catch (err) {
      drop();
      throw err;
    }
    if (answer.none || taken || stopped) return fetchFn(url, init);
    taken = true;
    if (signal) signal.addEventListener("abort", drop); // the body, handed out, fails
    const { status } = answer;
    return { ok: status >= 200 && status < 300, status, body, nearly };
  };
  return { fetch, drop };
}

/**
 * Run one decoder thread (unxz-worker.js) on the page's message {job, port, after, next[,
 * download]} (download: a port over which the page relays the download it began of this file,
 * at once, without waiting for a turn: fetched through fromPage instead of `fetchFn`, and let go
 * when a kept copy makes it unneeded or on {stop}): decodeJob
 * for `job`, talking to the Python worker over `port`. The downloads take turns (installBootFetch):
 * this one starts on a {go} from `after`, the decoder before it (at once if there is none), or
 * from the Python worker, and once it has nearly arrived (decodeJob's arrived()) or is over, this
 * one passes {go} on to `next`, directly, as the Python worker may be too busy starting Python to
 * do it soon. It ends, passing its turn on, when the Python worker posts {stop} (it has the whole
 * file, or needs it no more). A {check: url}
 * says an earlier visit kept a copy of the file at `url` in `scope`'s decoded cache: the download
 * stops, its turn passes on, and this thread, not the Python worker's, hashes that copy and
 * answers {checked: true, bytes} if it is the build's file (`bytes`, the ArrayBuffer it read,
 * moved to the Python worker), {checked: false} if not, or {checked: null} if it cannot tell
 * (then the Python worker hashes it); the {stop} follows. A {read: url, sha256} asks it to read
 * another kept file the same way (the Python snapshot; installBootFetch's readKept), answered
 * with {read: url, bytes}: the ArrayBuffer, false or null, as keptBytes() says. A decoder that
 * itself sees such a copy (at `job.kept`) does not download at all: it passes its turn on at
 * once and waits for the Python worker's {check} or {stop}, or for {download} (the worker found
 * no copy it will use), and only then downloads. On a second visit the page starts these threads before the Python
 * worker has even loaded, and they would otherwise spend the cores that start Python
 * decompressing files it does not need. `close()` ends the thread.
 */
export function runDecoder({ job, port, after = null, next = null, download: relayed = null }, fetchFn, close, scope = globalThis) {
  const early = relayed && fromPage(relayed, fetchFn);
  if (early) fetchFn = early.fetch;
  const drop = () => early && early.drop(); // the page's download is not wanted (any more)
  let go;
  const turn = new Promise((resolve) => (go = resolve));
  if (after) after.onmessage = go;
  else go();
  const passOn = () => {
    if (next) next.postMessage({ go: true });
    next = null;
  };
  let wanted;
  const wantedAfterAll = new Promise((resolve) => (wanted = resolve));
  const start = (job.kept ? keptCopyPresent(scope, job.kept, job.sha256) : Promise.resolve(false))
    .then((kept) => (kept ? (passOn(), drop(), wantedAfterAll) : turn));
  const download = new AbortController();
  let checking = false;
  port.onmessage = ({ data }) => {
    if (data && data.stop) {
      passOn();
      drop();
      // Not port.close(): that could drop the {stop} in some engines. A task later: a message
      // posted just before close() may be lost, and the page must hear drop()'s {cancel}.
      setTimeout(close);
    } else if (data && data.go) go();
    else if (data && data.download) wanted();
    else if (data && data.read) {
      // Another kept file the Python worker needs read and checked off its own thread (its snapshot).
      keptBytes(scope, data.read, data.sha256).then((bytes) =>
        bytes ? port.postMessage({ read: data.read, bytes }, [bytes]) : port.postMessage({ read: data.read, bytes }));
    } else if (data && data.check && !checking) {
      checking = true; // the download's own messages (its end, once aborted) are no longer wanted
      download.abort();
      passOn();
      // Closed on the {stop} that answers it: a message posted just before close() may be lost.
      // The bytes it checked go along (moved, not copied): the Python worker then reads none.
      keptBytes(scope, data.check, job.sha256).then((bytes) =>
        bytes ? port.postMessage({ checked: true, bytes }, [bytes]) : port.postMessage({ checked: bytes }));
    }
  };
  decodeJob(fetchFn, job, (message) => checking || port.postMessage(message), start, passOn, download.signal);
}

/**
 * Start downloading every file of `manifest` (boot-files.js' BOOT_FILES: {files: [{name, packed,
 * sha256, packed_size}]}, names relative to `dir`), one after another in its order, each as soon
 * as the one before has nearly arrived (whenNearlyArrived: within a round trip of its last byte),
 * and `extra` URLs (fetched as they are) at once, and replace scope.fetch so
 * a fetch of one of them gets that download: a file's original, from the copy kept by an earlier
 * visit or else from its .xz, decompressed and checked; an extra URL, a copy of its response.
 * Over http(s), given `decoders` (decoders.js' askPageForDecoders, bound to the worker), each .xz
 * is downloaded and decompressed as it arrives by a decoder thread the page started (runDecoder),
 * in parallel and off the thread that starts Python; elsewhere (file:// pages, Node), or where a
 * decoder cannot start, in this thread, as it arrives, and decompressed as it is read. A later fetch of the same
 * file (Pyodide retries a failed wasm compile) downloads again. Any other URL goes to the
 * network. onDamaged(message) is called once per damaged file. Returns {keepDecoded, checkKept,
 * unneeded, readKept}: keepDecoded() stores every original decompressed so far in Cache Storage
 * for the next visit and resolves when done (never rejects); call it once Python is ready, so
 * writing ~20 MB never competes with the boot. checkKept() and unneeded() say, once the worker
 * knows, whether Python will load the wheels (see below). readKept() reads another kept file in a
 * decoder thread (see below).
 */
export function installBootFetch(scope, dir, manifest, extra, onDamaged, decoders = null) {
  const network = scope.fetch.bind(scope);
  const cache = openDecodedCache(scope);
  const files = new Map(); // original's URL -> {file, kept: Promise<{response, checked()}|null>|null, source}
  // (`response`: the kept copy as this thread found it, read only if no decoder can check it)
  const plain = new Map(); // extra URL -> Promise<Response>, cloned for each caller
  const decoded = []; // [original's URL, body, file, type] checked this visit, for keepDecoded()

  const typeOf = (file) => TYPES[file.name.split(".").pop()] || "application/octet-stream";
  const keep = (url, file) => (body) => decoded.push([url, body, file, typeOf(file)]);

  /** A download, started once `turn` resolves and decompressed in this thread when read:
   * {opened: Promise<{status, body()}>, stop()}. arrived() is called once it has nearly arrived
   * (whenNearlyArrived) or is over. */
  function inThisThread(url, file, priority, turn = Promise.resolve(), arrived = () => {}) {
    const abort = new AbortController();
    let asked;
    const opened = turn
      .then(() => ((asked = performance.now()), network(new URL(file.packed, dir).href, { priority, signal: abort.signal })))
      .then((response) => {
        const nearly = whenNearlyArrived(file.packed_size, performance.now() - asked, arrived);
        const compressed = response.ok ? drained(response.body, arrived, nearly) : (arrived(), null);
        return {
          status: response.status,
          body: () => checkedUnxz(compressed, file.sha256, labelOf(file), onDamaged, keep(url, file)),
        };
      });
    opened.catch(arrived); // the failure itself is reported when Pyodide asks for the file
    return { opened, stop: () => (abort.abort(), arrived()) };
  }

  /** A download decompressed by the decoder `thread` will be (a Promise of {port, failed}, or of
   * null when there is none: then this thread's download instead). Same `turn` and `arrived` as
   * inThisThread's; returns {opened, stop, check, wantDownload, read}: inThisThread's, and
   * check(keptUrl), wantDownload() and read(keptUrl, sha256) (below). */
  function inItsOwnThread(url, file, priority, thread, turn, arrived) {
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
      fallback = inThisThread(url, file, priority, turn, arrived);
      open(fallback.opened);
    };
    let checking = null; // resolves check()'s answer, while the decoder checks the kept copy
    const reads = new Map(); // kept URL -> resolves read()'s answer, while the decoder reads it
    const unread = () => {
      for (const done of reads.values()) done(null); // this thread reads them instead
      reads.clear();
    };
    const end = () => {
      if (heard) arrived(); // else: its fallback, if any, says when it has arrived
      unread();
      if (checking) checking(null); // it ended before it answered: this thread checks the copy
      finished = true;
      port.onmessage = null;
      // The decoder closes, which unties the port; closing it here could drop the {stop}.
      port.postMessage({ stop: true });
    };
    thread.then((decoder) => {
      if (!decoder) return stopped || inThisOne();
      port = decoder.port;
      if (stopped) return end();
      turn.then(() => finished || port.postMessage({ go: true }));
      port.onmessage = ({ data }) => {
        if ("read" in data) {
          const done = reads.get(data.read);
          reads.delete(data.read);
          if (done) done(data.bytes ?? null);
          return;
        }
        heard = true;
        if ("checked" in data) {
          checking(data.checked === true ? data.bytes || null : data.checked);
          end(); // {stop}: the decoder ends
        } else if ("status" in data) {
          open({ status: data.status, body: () => body });
          if (!(data.status >= 200 && data.status < 300)) end(); // nothing follows a failed status
        } else if (data.downloaded) {
          arrived();
        } else if (data.chunk) {
          chunks.push(data.chunk);
          stream.enqueue(data.chunk);
        } else if (data.done) {
          end();
          stream.close();
          keep(url, file)(new Blob(chunks));
          chunks.length = 0; // the Blob has them; this closure outlives the boot
        } else if (data.error) {
          end();
          if (data.damaged) onDamaged(data.error);
          fail(new TypeError(data.error));
          stream.error(new TypeError(data.error));
        }
      };
      decoder.failed.then(() => {
        unread();
        if (checking) checking(null); // it failed while checking a kept copy: this thread checks it
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
      arrived();
      if (port && !finished) end();
      if (fallback) fallback.stop();
    };
    // An earlier visit's copy of the file at `keptUrl` makes the download unneeded: the decoder
    // stops it and checks that copy in its own thread. Resolves to the copy's bytes (an
    // ArrayBuffer) if it is the build's file, false if not, or null (and the download is
    // stopped) where no decoder can answer.
    const check = (keptUrl) =>
      thread.then(
        (decoder) => {
          if (!decoder || !port || finished || stopped) return stop(), null;
          stopped = true;
          arrived();
          return new Promise((resolve) => {
            checking = resolve;
            port.postMessage({ check: keptUrl });
          });
        },
        () => (stop(), null),
      );
    // The decoder holds its download back while it sees a kept copy (runDecoder): this thread will
    // use none, so the file is wanted after all. (It then downloads at once, out of turn: only
    // when the two threads disagree about the copy, which a copy deleted meanwhile can cause.)
    const wantDownload = () =>
      thread.then((decoder) => decoder && port && !finished && !stopped && port.postMessage({ download: true }), () => {});
    // Another kept file, at `keptUrl`, read and checked against `sha256` by the decoder: resolves
    // to its bytes (an ArrayBuffer), false if they fail the check, or null where the decoder
    // cannot tell or has ended.
    const read = (keptUrl, sha256) =>
      thread.then(
        (decoder) => {
          if (!decoder || !port || finished || reads.has(keptUrl)) return null;
          return new Promise((resolve) => {
            reads.set(keptUrl, resolve);
            port.postMessage({ read: keptUrl, sha256 });
          });
        },
        () => null,
      );
    return { opened, stop, check, wantDownload, read };
  }

  // One decoder per .xz, asked of the page once, for all of them at once.
  const jobs = bootJobs(manifest, dir);
  const threads = decoders && /^https?:$/.test(new URL(dir).protocol) ? decoders(jobs) : null;
  if (threads) threads.catch(() => {});
  // One download at a time, in the manifest's (boot) order, each from the moment the one before has
  // nearly arrived (its last round trip: whenNearlyArrived): on a slow link the wasm has the whole
  // link, so Python compiles and starts while the rest arrives, where sharing it would deliver
  // every file late; on a fast one each takes a moment and they still decompress in parallel.
  const wantDownload = (source) => source.wantDownload && source.wantDownload();
  let reader = null; // the last file's source's read(), if it has a decoder: readKept() asks it
  let turn = Promise.resolve();
  manifest.files.forEach((file, index) => {
    const mine = turn;
    let arrived;
    turn = new Promise((resolve) => (arrived = resolve));
    const url = new URL(file.name, dir).href;
    const { priority } = jobs[index];
    // Here the download starts in its turn even when a copy may be kept: looking it up costs a
    // disk read that a first visit should not wait for; a copy found stops the download. (A
    // decoder looks first: the page starts it long before this thread could stop it.)
    const source = threads
      ? inItsOwnThread(url, file, priority, threads.then((all) => all[index], () => null), mine, arrived)
      : inThisThread(url, file, priority, mine, arrived);
    const entry = { file, kept: null, source };
    reader = source.read || null;
    if (cache) {
      // {response, checked(): Promise<ArrayBuffer | false>} or null: checked() resolves to the
      // copy's bytes once they hash to the build's sha256. The download stops as soon as a copy is
      // found, before its bytes are checked: on a second visit the decoders would otherwise take
      // the cores the boot needs. The runtime's and the stdlib's copies, which every start reads,
      // are checked at once, by the file's decoder thread where there is one, so this thread,
      // which starts Python meanwhile, need not hash ~14 MB. A wheel's copy is checked only
      // once Python is known to need it (checkKept(), or Pyodide's fetch): a Python restored
      // from a snapshot never does, and reading and hashing ~9 MB it will not use would slow
      // its start. Until then its decoder holds (it sees the copy too) and checks it when asked.
      // A copy that fails its check is deleted and the file downloaded again, in this thread
      // (fromPacked).
      const atOnce = !file.name.endsWith(".whl");
      entry.kept = cache.then(async (c) => {
        const response = c && (await keptCopy(c, url, file.sha256));
        if (!response) return wantDownload(source), null;
        let checked = null;
        const check = () => {
          if (!checked) {
            const byDecoder = entry.source && entry.source.check ? entry.source.check(url) : (entry.source && entry.source.stop(), null);
            entry.source = null;
            checked = Promise.resolve(byDecoder)
              .then((bytes) => bytes ?? checkedBytes(response, file.sha256))
              .then(async (bytes) => bytes || (await c.delete(url), false))
              .catch(() => false);
          }
          return checked;
        };
        if (atOnce) check();
        else if (!source.check) (source.stop(), (entry.source = null)); // this thread's own download
        return { response, checked: check };
      }).catch(() => (wantDownload(source), null));
    } else wantDownload(source);
    files.set(url, entry);
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
    const keptBody = kept && (await kept.checked());
    if (keptBody) {
      if (entry.source) entry.source.stop();
      entry.source = null;
      return new Response(keptBody, { headers: { "Content-Type": typeOf(file) } });
    }
    const source = entry.source || inThisThread(url, file, "high");
    entry.source = null;
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
  /** The bytes (an ArrayBuffer) of another file kept in the decoded cache at `url` (the Python
   * snapshot), read and checked against `sha256` by the decoder thread of the last file (a wheel:
   * a Python restored from a snapshot leaves it idle), off this thread, whose long tasks would
   * hold the read back; false if they fail the check; null where no decoder can (then read them
   * here). Call it before unneeded(), which ends that decoder. */
  function readKept(url, sha256) {
    return Promise.resolve(reader ? reader(url, sha256) : null);
  }

  /** Python will need every file: check each kept copy not yet checked (the wheels'), now. */
  function checkKept() {
    for (const entry of files.values()) {
      if (entry.kept) entry.kept.then((kept) => kept && kept.checked());
    }
  }

  /** Python needs none of the files it has not asked for (it was restored from a snapshot): stop
   * their downloads, and the decoders holding for them. */
  function unneeded() {
    for (const entry of files.values()) {
      if (entry.source) entry.source.stop();
      entry.source = null;
      entry.kept = null;
    }
    reader = null; // its decoder has ended; nor is its source kept alive
  }
  return { keepDecoded, checkKept, unneeded, readKept };
}
