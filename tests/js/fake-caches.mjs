// A test helper, not a test: an in-memory Cache Storage, the part kdsite's workers use
// (boot-fetch.js' kept copies, python-snapshot.js): what a browser keeps between visits.

/** {caches, store, opened}: `caches` to set as a scope's Cache Storage; `store` maps each URL
 * kept to {body: Uint8Array, headers}; `opened` lists the names of the caches opened. */
export function fakeCaches() {
  const store = new Map(); // URL -> {body, headers}
  const opened = [];
  const cache = {
    match: async (url) => {
      const entry = store.get(String(url));
      return entry ? new Response(entry.body.slice(), { headers: entry.headers }) : undefined;
    },
    put: async (url, response) => {
      store.set(String(url), { body: new Uint8Array(await response.arrayBuffer()), headers: Object.fromEntries(response.headers) });
    },
    delete: async (url) => store.delete(String(url)),
  };
  // caches.match(url, {cacheName}) looks in that cache without opening (creating) it.
  const match = async (url, { cacheName } = {}) => (!cacheName || opened.includes(cacheName) ? cache.match(url) : undefined);
  return { caches: { open: async (name) => (opened.push(name), cache), match }, store, opened };
}

/** `caches` (fakeCaches') as one thread sees it, counting that thread's reads: {caches, reads},
 * `reads` listing the URL of each kept copy whose bytes it read (arrayBuffer()). The workers read
 * a kept copy only to check it or to use it, so a thread that lists none read none. */
export function countingReads(caches) {
  const reads = [];
  const open = async (name) => {
    const cache = await caches.open(name);
    const match = async (url) => {
      const response = await cache.match(url);
      if (response) {
        const read = response.arrayBuffer.bind(response);
        response.arrayBuffer = () => (reads.push(String(url)), read());
      }
      return response;
    };
    return { ...cache, match };
  };
  return { caches: { ...caches, open }, reads };
}
