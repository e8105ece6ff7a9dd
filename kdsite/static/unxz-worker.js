// One decoder thread of the Python worker's downloads (decoders.js: the page starts one per .xz
// file and hands its port to the Python worker): downloads the .xz, decompresses and checks it as
// it arrives, and posts the original to the port in chunks, so the Python worker's own thread,
// busy starting Python meanwhile, never decompresses, and the files decompress in parallel
// (xz-decompress runs one stream at a time per thread). It ends when the Python worker posts
// {stop}: once it has the whole file, or when an earlier visit's kept copy made the download
// unneeded (closing sooner could drop the last messages in some engines). Messages: boot-fetch.js'
// decodeJob.

import { decodeJob } from "./boot-fetch.js";

self.onmessage = ({ data: { job, port } }) => {
  port.onmessage = ({ data }) => data && data.stop && self.close();
  decodeJob(self.fetch.bind(self), job, (message) => port.postMessage(message));
};
