// Host-side helper for pages that embed kdsite widgets: sizes each
// <iframe data-kdsite-embed src=".../embed/<page>/<widget>.html"> to its content.
// Counterpart: embed-frame.js, inside the frame, which posts {type: "kdsite:resize", id, height}.
//
// A classic script, not a module: a host page loads it with a plain <script src> from this
// site, and a browser fetches a module from another host only if that host sends CORS headers,
// which many hosts do not. So: no import/export, and nothing left in the global scope.
(function () {
  "use strict";
  if (window.kdsiteEmbed) return; // loaded twice: the first copy does the work
  window.kdsiteEmbed = true;

  var MAX_HEIGHT = 10000;
  var SELECTOR = "iframe[data-kdsite-embed]";

  function embeddedFrames() {
    return Array.prototype.slice.call(document.querySelectorAll(SELECTOR));
  }

  function originOf(frame) {
    try {
      return new URL(frame.src, location.href).origin;
    } catch (err) {
      return null;
    }
  }

  // A sandbox without allow-same-origin gives the frame an opaque origin: it can neither be
  // addressed by its site's origin nor be told apart from any other sandboxed page, so it is
  // left at the height the host gave it (and the widget inside says what the sandbox lacks).
  function opaque(frame) {
    return frame.hasAttribute("sandbox") && !frame.sandbox.contains("allow-same-origin");
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    // Shape first: anything else on this page's message channel is none of our business.
    if (!data || typeof data !== "object" || data.type !== "kdsite:resize") return;
    if (typeof data.height !== "number" || !Number.isFinite(data.height)) return;
    if (data.height < 0 || data.height > MAX_HEIGHT) return;
    // Origin and source: only the frame we embedded, from the origin its src names.
    var frame = embeddedFrames().find(function (f) { return f.contentWindow === event.source; });
    if (!frame || originOf(frame) !== event.origin) return;
    frame.height = String(Math.ceil(data.height));
  });

  // Ask a frame for its size, in case its first report came before this script listened.
  // Only once the frame holds the embed page: before that it holds about:blank, whose origin
  // is not the embed's, and the browser would log an error on this page for the message.
  function ask(frame) {
    var origin = originOf(frame);
    if (!origin || !frame.contentWindow || opaque(frame)) return;
    var doc = null;
    try {
      doc = frame.contentDocument; // null once another origin's page is in the frame
    } catch (err) {
      doc = null;
    }
    if (doc && (doc.URL === "about:blank" || new URL(doc.URL).origin !== origin)) return;
    frame.contentWindow.postMessage({ type: "kdsite:resize-request" }, origin);
  }

  // Every embed frame that (re)loads, also those added later: load does not bubble, but a
  // capturing listener on the document hears it.
  document.addEventListener("load", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches(SELECTOR)) ask(target);
  }, true);
  embeddedFrames().forEach(ask);
})();
