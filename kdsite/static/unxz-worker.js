// One decoder thread of the Python worker's downloads (decoders.js: the page starts one per .xz
// file and hands its port to the Python worker): downloads the .xz (or takes the download the
// page began of it, for the wasm), decompresses and checks it as it arrives, and posts the
// original to the port in chunks, so the Python worker's own thread, busy starting Python
// meanwhile, never decompresses, and the files decompress in parallel (xz-decompress runs one
// stream at a time per thread). The downloads take turns, and it ends on
// the Python worker's {stop}; on a second visit it checks the copy an earlier visit kept instead
// of downloading ({check}): boot-fetch.js' runDecoder. Messages: boot-fetch.js' decodeJob.

import { runDecoder } from "./boot-fetch.js";

self.onmessage = ({ data }) => runDecoder(data, self.fetch.bind(self), () => self.close());
