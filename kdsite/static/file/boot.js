// kdsite's widgets, live from a page opened from disk (file://). A classic script: local-file.js
// loads it (as _kd/file/boot.js, written with the rest of _kd/file/ by kdsite/pyodide/file_bundle.py)
// only when the page's protocol is file:, so readers served over http(s) never download it.
//
// From file:// browsers run classic <script src> files but refuse module scripts, fetch() and
// workers made from a file. So:
// - _kd/file/modules.js carries the runtime's own ES modules as factories (their text, with the
//   import/export lines rewritten); they run here through a small registry, unchanged in logic:
//   runtime.js, client.js, supervisor.js, the widgets.
// - The Python worker is worker.js itself, in a Worker made from a Blob: the registry, the worker's
//   module factories (as their source text) and Pyodide's own files, then a start that answers
//   Pyodide's fetch() from bytes this page decoded (supervisor.js asks kdFile.startWorker()).
// - _kd/file/p/*.js carry those bytes (base64); each is checked against the sha256 in
//   _kd/file/index.js once decoded (a wheel's is the site lock's, which Pyodide checks again).
//   A file that does not match fails every widget with a message naming it.
// The page's Content-Security-Policy must allow `worker-src blob:` (kdsite/csp.py).
(function () {
  "use strict";
  const ROOT = new URL("../../", document.currentScript.src).href; // this file is _kd/file/boot.js

  /** Install `scope.kdFile`: define(sitePath, factory) and require(url) of module factories.
   * Runs in the page and, as source text, in the worker: it uses nothing outside itself. */
  function registry(scope, root) {
    const factories = new Map(); // absolute URL -> factory(require, meta, dynamicImport)
    const done = new Map(); // absolute URL -> exports
    function require(url) {
      if (done.has(url)) return done.get(url);
      const factory = factories.get(url);
      if (!factory) throw new TypeError(`the file:// bundle has no module ${url}; rebuild the site (make site).`);
      const resolve = (spec) => new URL(spec, url).href;
      const exports = factory(
        (spec) => require(resolve(spec)),
        { url, kdFile: true },
        (spec) => new Promise((settle) => settle(require(resolve(spec)))),
      );
      done.set(url, exports);
      return exports;
    }
    scope.kdFile = Object.assign(scope.kdFile || {}, {
      factories,
      define(path, factory) {
        factories.set(new URL(path, root).href, factory);
      },
      require,
    });
  }

  /** The worker's start, as source text: answer Pyodide's fetch() from the bytes the page sends
   * first ({kdFileBytes: {sitePath: Uint8Array}}), checking any `integrity` it asks for, then
   * run worker.js, which boots Pyodide and answers the page's requests as over http. */
  function workerMain(root) {
    const sri = async (bytes) => {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      return "sha256-" + btoa(String.fromCharCode(...digest));
    };
    self.addEventListener("message", function first(event) {
      const sent = event.data && event.data.kdFileBytes;
      if (!sent) return;
      self.removeEventListener("message", first);
      const files = new Map(Object.entries(sent).map(([path, bytes]) => [new URL(path, root).href, bytes]));
      self.fetch = async (input, init = {}) => {
        const url = new URL(input instanceof Request ? input.url : String(input), root);
        url.search = url.hash = "";
        const bytes = files.get(url.href);
        if (!bytes) throw new TypeError(`${url.href} is not in the file:// bundle`);
        if (init.integrity && init.integrity !== (await sri(bytes))) {
          throw new TypeError(`${url.href} failed its integrity check (${init.integrity})`);
        }
        const type = url.pathname.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
        return new Response(bytes, { headers: { "Content-Type": type } });
      };
      self.kdFile.require(new URL("_kd/static/worker.js", root).href);
    });
  }

  registry(self, ROOT);
  const kdFile = self.kdFile;
  const fallback = kdFile.unavailable || (() => {}); // local-file.js: keep the figures, say why
  let index = null;
  const encoded = new Map(); // site path -> base64, until decoded
  kdFile.index = (value) => {
    index = value;
  };
  kdFile.payload = (path, base64) => {
    encoded.set(path, base64);
  };

  function load(name) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(`_kd/file/${name}`, ROOT).href;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`_kd/file/${name} did not load; rebuild the site (make site).`));
      document.head.appendChild(script);
    });
  }

  function decode(base64) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(base64);
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

  let payloadsLoaded = null; // Promise: every _kd/file/p/*.js ran
  let verified = null; // Promise<{sitePath: Uint8Array}>, each checked against index.js

  function checkedBytes() {
    verified = verified || payloadsLoaded.then(async () => {
      const bytes = {};
      for (const entry of index.payloads) {
        const name = `_kd/file/${entry.script}`;
        let data;
        try {
          data = decode(encoded.get(entry.path));
        } catch (err) {
          throw new Error(`${name} is damaged (${err.message}); rebuild the site (make site).`);
        }
        const sha = hex(await crypto.subtle.digest("SHA-256", data));
        if (sha !== entry.sha256) {
          throw new Error(`${name} failed its integrity check: its ${entry.path} has sha256 ${sha}, ` +
            `but the build made ${entry.sha256}. The file was damaged or changed; rebuild the site (make site).`);
        }
        bytes[entry.path] = data;
      }
      encoded.clear();
      return bytes;
    });
    return verified;
  }

  function workerSource(bytes) {
    const text = (path) => new TextDecoder().decode(bytes[path]);
    const modules = index.worker.map((path) =>
      `self.kdFile.define(${JSON.stringify(path)}, ${kdFile.factories.get(new URL(path, ROOT).href)});`);
    return [
      `(${registry})(self, ${JSON.stringify(ROOT)});`,
      ...modules,
      text("_kd/pyodide/pyodide.asm.js"), // defines _createPyodideModule, which pyodide.mjs uses
      `self.kdFile.define("_kd/pyodide/pyodide.mjs", function (__kd_require, __kd_meta, __kd_import) {\n` +
        `${text("_kd/pyodide/pyodide.mjs")}\n});`,
      `(${workerMain})(${JSON.stringify(ROOT)});`,
    ].join("\n;\n");
  }

  /** Start worker.js in a Blob; return a stand-in Worker at once (postMessage, terminate and its
   * message/error/messageerror events), as supervisor.js expects of `new Worker(...)`. */
  kdFile.startWorker = function startWorker(name) {
    const stand = new EventTarget();
    let worker = null;
    let ended = false;
    let heard = false;
    const queued = [];
    const { fatalError } = kdFile.require(new URL("_kd/static/protocol.js", ROOT).href);
    const fail = (message) => stand.dispatchEvent(new MessageEvent("message", { data: fatalError(message) }));
    stand.postMessage = (msg) => (worker ? worker.postMessage(msg) : queued.push(msg));
    stand.terminate = () => {
      ended = true;
      if (worker) worker.terminate();
    };
    checkedBytes().then((bytes) => {
      if (ended) return;
      const url = URL.createObjectURL(new Blob([workerSource(bytes)], { type: "text/javascript" }));
      worker = new Worker(url, { name });
      URL.revokeObjectURL(url);
      worker.addEventListener("message", (event) => {
        heard = true;
        stand.dispatchEvent(new MessageEvent("message", { data: event.data }));
      });
      worker.addEventListener("messageerror", () => stand.dispatchEvent(new MessageEvent("messageerror")));
      worker.addEventListener("error", (event) => {
        event.preventDefault();
        if (!heard) {
          // Nothing ran: most likely the page's policy refused a worker made from a Blob.
          fail(`the browser refused to start the Python worker from this page on disk (${event.message || "no reason given"}); ` +
            "its Content-Security-Policy must allow worker-src blob:.");
          return;
        }
        stand.dispatchEvent(new ErrorEvent("error", { message: event.message, cancelable: true }));
      });
      worker.postMessage({ kdFileBytes: bytes }); // a copy: a restarted worker gets them again
      for (const msg of queued.splice(0)) worker.postMessage(msg);
    }, (err) => {
      if (!ended) fail(err.message);
    });
    return stand;
  };

  // Start the runtime as soon as its modules are here; the worker waits for the payloads.
  Promise.all([load("index.js"), load("modules.js")]).then(() => {
    payloadsLoaded = Promise.all(index.payloads.map((entry) => load(entry.script)));
    payloadsLoaded.catch(() => {}); // reported by the worker's stand-in, to every widget
    kdFile.require(new URL("_kd/static/runtime.js", ROOT).href);
  }, (err) => fallback(err.message));
})();
