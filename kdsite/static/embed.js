// Host-side helper for pages that embed kdsite widgets: sizes each
// <iframe data-kdsite-embed src=".../embed/<page>/<widget>.html"> to its content.
// Counterpart: embed-frame.js, inside the frame, which posts {type: "kdsite:resize", id, height}.
const MAX_HEIGHT = 10000;

function embeddedFrames() {
  return Array.from(document.querySelectorAll("iframe[data-kdsite-embed]"));
}

function originOf(frame) {
  try {
    return new URL(frame.src, location.href).origin;
  } catch {
    return null;
  }
}

window.addEventListener("message", (event) => {
  const data = event.data;
  // Shape first: anything else on this page's message channel is none of our business.
  if (!data || typeof data !== "object" || data.type !== "kdsite:resize") return;
  if (typeof data.height !== "number" || !Number.isFinite(data.height)) return;
  if (data.height < 0 || data.height > MAX_HEIGHT) return;
  // Origin and source: only the frame we embedded, from the origin its src names.
  const frame = embeddedFrames().find((f) => f.contentWindow === event.source);
  if (!frame || originOf(frame) !== event.origin) return;
  frame.height = String(Math.ceil(data.height));
});

// Ask every frame once, in case its first report came before this script ran.
for (const frame of embeddedFrames()) {
  const origin = originOf(frame);
  frame.addEventListener("load", () => {
    if (origin) frame.contentWindow.postMessage({ type: "kdsite:resize-request" }, origin);
  });
  if (origin && frame.contentWindow) frame.contentWindow.postMessage({ type: "kdsite:resize-request" }, origin);
}
