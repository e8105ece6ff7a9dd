// When the next of the boot's downloads should be asked for (boot-fetch.js' turns, and the page's
// relay of the download it began, decoders.js): a small module of its own, as both the Python
// worker's threads and the page use it.

// The rate is judged over at least this long after a download's first chunk, and at least its
// round trip: the first chunks come in bursts (what the socket buffered, or what queued while the
// reading thread was busy), which would make the rate look far higher than the link's.
const RATE_SAMPLE_MS = 20;

/**
 * The per-chunk callback (drained's onChunk) that calls onNear() once, as soon as the rest of a
 * download of `size` bytes should arrive within `waitedMs` (ms; how long its request took to be
 * answered), judged by the rate its chunks have arrived at since the first one; or when all
 * `size` bytes are in. The downloads take turns (installBootFetch), and the next one asked for
 * then gets its first byte about when this one gets its last, where asking at the end left the
 * link idle for a round trip between files (~0.15 s each on a mobile link; 3 of them on a boot).
 * It assumes the next request waits about as long as this one did (`waitedMs` also holds server
 * time and, for a new connection, its handshake). A wrong guess costs little: the two downloads
 * share the link for the time the guess was early by, at most one round trip at the rate seen.
 * A `size` that is not a positive number never calls onNear(). `now()` returns ms.
 */
export function whenNearlyArrived(size, waitedMs, onNear, now = () => performance.now()) {
  let received = 0;
  let since = null; // when the first chunk came
  let sinceFirst = 0; // bytes in the chunks after it
  let called = !(size > 0);
  return (byteLength) => {
    if (called) return;
    const at = now();
    received += byteLength;
    if (since === null) since = at;
    else sinceFirst += byteLength;
    const elapsed = at - since;
    const left = size - received;
    const eta = sinceFirst > 0 ? (left * elapsed) / sinceFirst : Infinity;
    if (left <= 0 || (elapsed >= Math.max(RATE_SAMPLE_MS, waitedMs) && eta <= waitedMs)) {
      called = true;
      onNear();
    }
  };
}
