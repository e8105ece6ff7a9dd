// kdsite service worker (written to the site root by the build, with VERSION filled in).
// Precaches every file of this build, checked against the sha256 in _kd/offline.json, and
// answers from that cache while the browser is offline, so the site — Pyodide included —
// works offline after one visit. Online, requests go to the network as if there were no
// worker: answering them from the cache made every page start ~0.4 s slower, because
// Chromium keeps compiled WebAssembly (and its HTTP cache) only for responses it fetched.
// Except when the site cannot be reached although the browser believes it is online (a
// captive portal, a flaky mobile link, a server that is down): a page the network fails to
// bring is answered from the cache, and so is everything after it until the network answers
// again.
// A new build changes VERSION, so the browser installs a new worker, which caches the new
// files and then deletes every older kdsite cache. The build may ship Pyodide's big files only as
// `.xz` (kdsite/pyodide/precompress.py); those are cached as they are, and the Python worker
// decompresses them from this cache offline as it does from the network.
// Counterpart: kdsite/static/offline.js registers this worker and shows the indicator.

const VERSION = "__KDSITE_VERSION__";
const CACHE = `kdsite-${VERSION}`;
const ROOT = new URL("./", self.location.href);

async function sha256(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Pages say when they are busy (busy.js): starting their widgets, used by a reader, showing new
// numbers. The precache (hashing ~20 MB) then waits between files until no page has said so for
// QUIET_MS, so it never takes the cores they need. A page says so at most once a second, hence
// the second added. Counted from this worker's start too: a page busy since before it could not
// have told it.
const QUIET_MS = 5000 + 1000;
let lastBusy = Date.now(); // of the last message
let busyChannel = null;
try {
  busyChannel = new BroadcastChannel("kdsite:busy"); // busy.js' BUSY_CHANNEL
  busyChannel.onmessage = () => {
    lastBusy = Date.now();
  };
} catch {
  // No BroadcastChannel (Safari before 15.4): the precache does not pause.
}

/** Resolve once no page has been busy for QUIET_MS. A reader busy for minutes may outlast the
 * browser's patience with the install: it then fails, the next page visited registers the
 * worker again, and that install goes on from the files already kept. */
async function pagesQuiet() {
  for (let left; (left = lastBusy + QUIET_MS - Date.now()) > 0;) {
    await new Promise((resolve) => setTimeout(resolve, left));
  }
}

async function precache() {
  const response = await fetch(new URL("_kd/offline.json", ROOT), { cache: "no-store" });
  const manifest = await response.json();
  if (manifest.version !== VERSION) throw new Error("offline manifest is from another build");
  const cache = await caches.open(CACHE);
  for (const [path, hash] of Object.entries(manifest.files)) {
    const url = new URL(path, ROOT);
    // Kept by an install that did not finish (only checked files are ever put).
    if (await cache.match(url)) continue;
    await pagesQuiet();
    const fresh = await fetch(url, { cache: "no-cache" });
    if (!fresh.ok) throw new Error(`${path}: HTTP ${fresh.status}`);
    const body = await fresh.clone().arrayBuffer();
    // A file that does not match its build's hash is never kept: install fails, retried later.
    if ((await sha256(body)) !== hash) throw new Error(`${path}: content does not match the build`);
    await cache.put(url, fresh);
  }
}

self.addEventListener("install", (event) => {
  // offline.js registers this worker only on an unmetered link, but the browser also installs a
  // new build's worker on its own: with Save-Data on, that install fails (so nothing is
  // downloaded) and is tried again on a later visit.
  const connection = self.navigator.connection;
  if (connection && connection.saveData) {
    event.waitUntil(Promise.reject(new Error("Save-Data is on: the offline copy waits")));
    return;
  }
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("kdsite-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

/** This build's cached copy of a request's file, or undefined. */
async function cached(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  if (url.pathname.endsWith("/")) url.pathname += "index.html";
  return cache.match(url.href);
}

// Set when a page could not be fetched although the browser is online; cleared when the network
// answers again. Kept in memory only: the browser stops an idle worker, and then it is online
// mode again, as it should be.
let unreachable = false;

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT.href)) return;
  const online = self.navigator.onLine;
  if (!(online && request.mode === "navigate")) {
    if (online && !unreachable) return; // online: straight to the network, as without this worker
    event.respondWith((async () => (await cached(request)) || fetch(request))());
    return;
  }
  // Online, a page (a few kB through this worker): from the network, or from the cache when the
  // network fails, which puts the files the page asks for next on the cache too.
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      unreachable = false;
      return response;
    } catch (err) {
      const copy = await cached(request);
      if (!copy) throw err;
      unreachable = true;
      return copy;
    }
  })());
});
