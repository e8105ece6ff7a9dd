// Host-side helper for pages that embed kdsite widgets: sizes each
// <iframe data-kdsite-embed src=".../embed/<page>/<widget>.html"> to its content, and lets the
// page drive the widget and follow it (content/embedding.md documents the API):
//
//   kdsite.embeds                 one object per embed frame, in document order (frames added
//                                 later are added once they load)
//   embed.set(control, value)     move a control as a reader would: set("temperature", 4);
//                                 the frame checks it and ignores (with a console warning) a
//                                 control or value the widget does not have
//   embed.addEventListener("change", fn)   fn(event): event.detail = {widget, id, controls,
//                                 readouts}, every value the data-value string of the widget's
//                                 DOM contract; the same detail also arrives as a bubbling
//                                 `kdsite:change` event on the iframe element
//   embed.frame, embed.controls, embed.readouts   the iframe and the latest values
//
// Counterpart: embed-frame.js, inside the frame (it lists the messages).
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

  // ---- the API: one Embed per frame ----

  var embeds = [];
  window.kdsite = window.kdsite || {};
  window.kdsite.embeds = embeds;

  function Embed(frame) {
    this.frame = frame;
    this.controls = null;
    this.readouts = null;
    this._events = document.createDocumentFragment(); // an EventTarget of our own
    this._queue = []; // sets made before the frame holds the widget's page
  }
  Embed.prototype.addEventListener = function (type, listener, options) {
    this._events.addEventListener(type, listener, options);
  };
  Embed.prototype.removeEventListener = function (type, listener, options) {
    this._events.removeEventListener(type, listener, options);
  };
  /** Ask the widget to move `control` (a name such as "temperature") to `value` (a number,
   * or a select's option); it then computes and reports a "change". */
  Embed.prototype.set = function (control, value) {
    var message = { type: "kdsite:set", control: control, value: value };
    if (!send(this.frame, message)) this._queue.push(message);
  };

  function embedOf(frame) {
    for (var i = 0; i < embeds.length; i++) if (embeds[i].frame === frame) return embeds[i];
    var embed = new Embed(frame);
    embeds.push(embed);
    // Keep document order, whatever order the frames loaded in.
    embeds.sort(function (a, b) {
      return a.frame.compareDocumentPosition(b.frame) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    return embed;
  }

  function plainStrings(object) {
    if (!object || typeof object !== "object") return null;
    var copy = {};
    for (var key in object) {
      if (Object.prototype.hasOwnProperty.call(object, key)) {
        if (typeof object[key] !== "string") return null;
        copy[key] = object[key];
      }
    }
    return copy;
  }

  function changed(frame, data) {
    var controls = plainStrings(data.controls);
    var readouts = plainStrings(data.readouts);
    if (!controls || !readouts) return;
    var embed = embedOf(frame);
    embed.controls = controls;
    embed.readouts = readouts;
    var detail = { widget: String(data.widget || ""), id: String(data.id || ""), controls: controls, readouts: readouts };
    embed._events.dispatchEvent(new CustomEvent("change", { detail: detail }));
    frame.dispatchEvent(new CustomEvent("kdsite:change", { bubbles: true, detail: detail }));
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    // Shape first: anything else on this page's message channel is none of our business.
    if (!data || typeof data !== "object") return;
    if (data.type !== "kdsite:resize" && data.type !== "kdsite:change") return;
    // Origin and source: only the frame we embedded, from the origin its src names.
    var frame = embeddedFrames().find(function (f) { return f.contentWindow === event.source; });
    if (!frame || originOf(frame) !== event.origin) return;
    if (data.type === "kdsite:change") return changed(frame, data);
    if (typeof data.height !== "number" || !Number.isFinite(data.height)) return;
    if (data.height < 0 || data.height > MAX_HEIGHT) return;
    frame.height = String(Math.ceil(data.height));
  });

  // Ask a frame for its size, in case its first report came before this script listened.
  // Only once the frame holds the embed page: before that it holds about:blank, whose origin
  // is not the embed's, and the browser would log an error on this page for the message.
  // Post a message to a frame once it holds the embed page; false if it does not yet.
  function send(frame, message) {
    var origin = originOf(frame);
    if (!origin || !frame.contentWindow || opaque(frame)) return false;
    var doc = null;
    try {
      doc = frame.contentDocument; // null once another origin's page is in the frame
    } catch (err) {
      doc = null;
    }
    if (doc && (doc.URL === "about:blank" || new URL(doc.URL).origin !== origin)) return false;
    frame.contentWindow.postMessage(message, origin);
    return true;
  }

  function ask(frame) {
    if (!send(frame, { type: "kdsite:resize-request" })) return;
    var embed = embedOf(frame);
    var queued = embed._queue;
    embed._queue = [];
    queued.forEach(function (message) { send(frame, message); });
  }

  // Every embed frame that (re)loads, also those added later: load does not bubble, but a
  // capturing listener on the document hears it.
  document.addEventListener("load", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches(SELECTOR)) ask(target);
  }, true);
  embeddedFrames().forEach(function (frame) {
    embedOf(frame);
    ask(frame);
  });

  // This site's own Embedding page marks its live examples (kdsite/markdown/embed_fence.py):
  // there, and only there, load the demo of this API beside them.
  var me = document.currentScript;
  if (me && me.src && document.querySelector("figure.kd-embed-example [data-kdsite-embed]")) {
    var demo = document.createElement("script");
    demo.src = new URL("embed-demo.js", me.src).href;
    document.head.appendChild(demo);
  }
})();
