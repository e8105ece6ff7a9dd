// Inside an embedded widget's frame: tell the host page our height whenever it changes, so
// its embed.js can size the iframe. Counterpart: embed.js (host side), message "kdsite:resize".
const TYPE = "kdsite:resize";
// Only the page that embeds us should hear our size: Chromium tells us its origin.
const hostOrigin = (location.ancestorOrigins && location.ancestorOrigins[0]) || "*";
const id = document.querySelector("[data-kd-widget]")?.id || "";

function report() {
  if (window.parent === window) return;
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  window.parent.postMessage({ type: TYPE, id, height }, hostOrigin);
}

new ResizeObserver(report).observe(document.documentElement);
// The host may ask again (e.g. after it moved the iframe): answer only our parent, and only
// a message of the expected shape. Counterpart: embed.js sends {type: "kdsite:resize-request"}.
window.addEventListener("message", (event) => {
  if (event.source !== window.parent) return;
  if (!event.data || event.data.type !== "kdsite:resize-request") return;
  report();
});
report();
