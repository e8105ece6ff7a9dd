// Inside an embedded widget's frame: tell the host page our height whenever it changes, so
// its embed.js can size the iframe. Counterpart: embed.js (host side), message "kdsite:resize".
// A classic script, like embed.js: it runs even where this site's module scripts cannot load
// (a frame with an opaque origin, on a host that sends no CORS headers).
(function () {
  var TYPE = "kdsite:resize";
  // Only the page that embeds us should hear our size: Chromium tells us its origin.
  var hostOrigin = (location.ancestorOrigins && location.ancestorOrigins[0]) || "*";
  var widget = document.querySelector("[data-kd-widget]");
  var id = (widget && widget.id) || "";

  function report() {
    if (window.parent === window) return;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: TYPE, id: id, height: height }, hostOrigin);
  }

  new ResizeObserver(report).observe(document.documentElement);
  // The host may ask again (e.g. after it moved the iframe): answer only our parent, and only
  // a message of the expected shape. Counterpart: embed.js sends {type: "kdsite:resize-request"}.
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    if (!event.data || event.data.type !== "kdsite:resize-request") return;
    report();
  });
  report();
})();
