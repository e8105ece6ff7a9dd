// One decoder thread of the Python worker's downloads (boot-fetch.js starts one per .xz file):
// downloads the .xz, decompresses and checks it as it arrives, and posts the original back in
// chunks, so the Python worker's own thread, busy starting Python meanwhile, never decompresses,
// and the files decompress in parallel (xz-decompress runs one stream at a time per thread).
// Messages: boot-fetch.js' decodeJob.

import { decodeJob } from "./boot-fetch.js";

self.onmessage = ({ data }) => decodeJob(self.fetch.bind(self), data, (message) => self.postMessage(message));
