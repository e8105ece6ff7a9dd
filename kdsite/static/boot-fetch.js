// The Python worker's downloads (worker.js). The build (kdsite/pyodide/precompress.py) ships
// pyodide.asm.wasm, python_stdlib.zip and the wheels as xz (`<name>.xz`, listed with the
// sha256 of each original in _kd/pyodide/boot-files.js): GitHub Pages sends zips and wheels as
// they are, some hosts compress nothing, and xz sends 30 % fewer bytes than gzip. This starts
// every one of those downloads at once, when the worker starts, and answers Pyodide's fetch() of
// an original from its .xz: decompressed as it arrives (so WebAssembly still compiles while it
// downloads), and checked against the build's sha256 before the stream ends, and against any
// `integrity` Pyodide asks for. A file that is missing, not xz, or not the build's fails Python
// with a message naming it.

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
 * `label` (and calls onDamaged(message)) when the data is not xz or its sha256 is not `sha256`. */
export function checkedUnxz(compressed, sha256, label, onDamaged) {
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
      const got = await sha256Hex(concat(chunks));
      if (got === sha256) controller.close();
      else fail(controller, `failed its integrity check: once decompressed its sha256 is ${got}, but the build made ${sha256}`);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

const TYPES = { wasm: "application/wasm", zip: "application/zip", whl: "application/zip" };

/**
 * Start downloading every file of `manifest` (boot-files.js' BOOT_FILES: {files: [{name, packed,
 * sha256}]}, names relative to `dir`) and `extra` URLs (fetched as they are), all at once, and
 * replace scope.fetch so a fetch of one of them gets that download: a file's original, from its
 * .xz, decompressed and checked; an extra URL, a copy of its response. A later fetch of the same
 * file (Pyodide retries a failed wasm compile) downloads again. Any other URL goes to the network.
 * onDamaged(message) is called once per damaged file. Returns nothing.
 */
export function installBootFetch(scope, dir, manifest, extra, onDamaged) {
  const network = scope.fetch.bind(scope);
  const files = new Map(); // original's URL -> {file, download: Promise<Response> | null}
  const plain = new Map(); // extra URL -> Promise<Response>, cloned for each caller
  for (const file of manifest.files) {
    // The wasm first: Python's start waits for its compile; the wheels are needed last.
    const priority = file.name.endsWith(".whl") ? "low" : "high";
    const download = network(new URL(file.packed, dir).href, { priority });
    download.catch(() => {}); // reported when Pyodide asks for it
    files.set(new URL(file.name, dir).href, { file, download });
  }
  for (const url of extra) {
    const download = network(url);
    download.catch(() => {});
    plain.set(new URL(url).href, download);
  }

  async function fromPacked(entry, init) {
    const { file } = entry;
    const label = `_kd/pyodide/${file.packed}`;
    if (init.integrity && init.integrity !== sriOfHex(file.sha256)) {
      const message = `${label} is not the file the site lock names (integrity ${init.integrity}); rebuild the site (make site).`;
      onDamaged(message);
      throw new TypeError(message);
    }
    const download = entry.download || network(new URL(file.packed, dir).href);
    entry.download = null;
    const response = await download;
    if (!response.ok) {
      const message = `${label} is missing (HTTP ${response.status}); rebuild the site (make site).`;
      onDamaged(message);
      throw new TypeError(message);
    }
    const type = TYPES[file.name.split(".").pop()] || "application/octet-stream";
    return new Response(checkedUnxz(response.body, file.sha256, label, onDamaged), {
      headers: { "Content-Type": type },
    });
  }

  scope.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), dir);
    url.search = url.hash = "";
    const entry = files.get(url.href);
    if (entry) return fromPacked(entry, init || {});
    const early = plain.get(url.href);
    if (early) return early.then((response) => response.clone());
    return network(input, init);
  };
}
