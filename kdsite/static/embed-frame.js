// Inside an embedded widget's frame: the frame's half of the host API. Counterpart: embed.js
// (host side). Messages, all objects with a `type`:
//   frame -> host  {type: "kdsite:resize", id, height}        whenever the page's height changes
//   frame -> host  {type: "kdsite:change", widget, id, controls, readouts}
//                  after every state the widget draws (the `kdsite:change` event of the widget
//                  root, widgets/common.js), and the latest again when the host asks; asked
//                  before the widget has drawn one (before Python is live, or before anything
//                  moved), the state the page shows: the build's pre-rendered one
//   host -> frame  {type: "kdsite:resize-request"}            "say your size (and state) again"
//   host -> frame  {type: "kdsite:set", control, value}       move a control as a reader would
// A classic script, like embed.js: it runs even where this site's module scripts cannot load
// (a frame with an opaque origin, on a host that sends no CORS headers).
(function () {
  "use strict";
  var widget = document.querySelector("[data-kd-widget]");
  var id = (widget && widget.id) || "";
  // Only the page that embeds us may hear us or drive us. Chromium and WebKit tell us its
  // origin; elsewhere the first message from our parent does (it is the parent: event.source).
  var hostOrigin = (location.ancestorOrigins && location.ancestorOrigins[0]) || null;
  var ignored = 0; // invalid kdsite:set messages so far, counted in each warning

  function embedded() {
    return window.parent !== window;
  }

  function post(message) {
    if (embedded() && hostOrigin) window.parent.postMessage(message, hostOrigin);
  }

  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    post({ type: "kdsite:resize", id: id, height: height });
  }

  function changeMessage(detail) {
    return { type: "kdsite:change", widget: detail.widget, id: detail.id,
      controls: detail.controls, readouts: detail.readouts };
  }

  var last = null; // the latest kdsite:change detail, for a host that asks again

  // The widget as its page shows it, read from the DOM contract exactly as snapshot() in
  // widgets/common.js reads it for the widget's own kdsite:change events (that module cannot
  // be imported here: this is a classic script). Until the widget draws a state, that is the
  // state the build computed in CPython and pre-rendered, so a host hears the widget's numbers
  // at once, not only after Python is live and something moved.
  function shown() {
    var readouts = {};
    Array.prototype.forEach.call(widget.querySelectorAll("[data-kd-readout]"), function (el) {
      var key = el.getAttribute("data-kd-readout");
      var value = el.getAttribute("data-value");
      if (!Object.prototype.hasOwnProperty.call(readouts, key) && value !== null) readouts[key] = value;
    });
    var controls = {};
    Array.prototype.forEach.call(widget.querySelectorAll("[data-kd-control]"), function (el) {
      var key = el.getAttribute("data-kd-control");
      if (Object.prototype.hasOwnProperty.call(controls, key)) return;
      controls[key] = Object.prototype.hasOwnProperty.call(readouts, key) ? readouts[key] : String(el.value);
    });
    return { widget: widget.getAttribute("data-kd-widget") || "", id: id, controls: controls, readouts: readouts };
  }

  function ignore(why) {
    ignored += 1;
    console.warn("kdsite embed: ignored " + ignored + " invalid message" + (ignored === 1 ? "" : "s") +
      " from the host page; the latest: " + why);
  }

  // ---- kdsite:set: check the control and the value, then move the control ----

  // Each log slider's start, the quantity at position 0 (kdsite/core/slider.py): from
  // data-kd-start if the slider has it, else read now, while the page still shows its
  // pre-rendered state, from the slider's readout and position (later a set may have moved
  // the slider before its readout follows).
  var starts = new Map();
  if (widget) {
    Array.prototype.forEach.call(widget.querySelectorAll('input[type="range"][data-kd-scale="log"]'), function (input) {
      var start = Number(input.getAttribute("data-kd-start"));
      if (!(start > 0)) {
        var name = input.getAttribute("data-kd-control");
        var readout = widget.querySelector('[data-kd-readout="' + CSS.escape(name) + '"]');
        start = readout ? Number(readout.getAttribute("data-value")) / Math.pow(10, Number(input.value)) : NaN;
      }
      if (start > 0 && isFinite(start)) starts.set(input, start);
    });
  }

  function finite(value) {
    return typeof value === "number" && isFinite(value);
  }

  // Return the input's position for a quantity (a string), or a reason it has none (an object).
  function rangePosition(input, value) {
    var min = Number(input.min);
    var max = Number(input.max);
    var position = value;
    if (input.getAttribute("data-kd-scale") === "log") {
      // Position = log10(quantity / start), in steps of input.step (kdsite/core/slider.py).
      var start = starts.get(input);
      if (!(value > 0)) return { error: "must be above 0 on this logarithmic slider" };
      if (start === undefined) return { error: "this slider's scale cannot be read" };
      var step = Number(input.step) || 0;
      var low = Number(input.getAttribute("data-kd-low"));
      var high = Number(input.getAttribute("data-kd-high"));
      position = Math.log(value / start) / Math.LN10;
      if (step > 0 && low > 0 && high > 0) {
        // The position whose quantity is nearest: the grid's (start·10^p) inside, and min and
        // max, whose quantities are the range's ends exactly (off the grid, so a plain round
        // would land a step short of them).
        var quantity = function (p) {
          return p <= min ? low : p >= max ? high : start * Math.pow(10, p);
        };
        var below = Math.max(min, Math.min(max, Math.floor(position / step) * step));
        var above = Math.max(min, Math.min(max, below + step));
        if (value <= low * (1 + 1e-12) && value >= low * (1 - 1e-12)) position = min;
        else if (value <= high * (1 + 1e-12) && value >= high * (1 - 1e-12)) position = max;
        else if (value < low || value > high) position = value < low ? min - step : max + step;
        else position = Math.abs(quantity(above) - value) < Math.abs(quantity(below) - value) ? above : below;
      } else if (step > 0) {
        position = Math.round(position / step) * step;
        // Within half a step of an end is that end (the ends are the range's ends exactly).
        if (position < min && position > min - step / 2) position = min;
        if (position > max && position < max + step / 2) position = max;
      }
    }
    if (position < min || position > max) return { error: "out of range" };
    return { position: String(position) };
  }

  function controlNamed(control) {
    return widget.querySelector('[data-kd-control="' + CSS.escape(control) + '"]');
  }

  function apply(control, value) {
    var input = controlNamed(control);
    if (input.tagName === "SELECT") {
      var options = Array.prototype.map.call(input.options, function (o) { return o.value; });
      if (options.indexOf(String(value)) < 0) return "value " + JSON.stringify(value) + " for " + control +
        " is not one of its options (" + options.join(", ") + ")";
      input.value = String(value);
    } else if (input.type === "range" || input.type === "number") {
      if (!finite(value)) return "value for " + control + " must be a finite number, not " + JSON.stringify(value);
      if (input.type === "number" && (Number(input.step) === 1 || input.step === "") && Math.floor(value) !== value) {
        return "value for " + control + " must be a whole number";
      }
      var placed = input.type === "range" ? rangePosition(input, value) : { position: String(value) };
      if (input.type === "number" && (value < Number(input.min) || value > Number(input.max))) {
        placed = { error: "out of range" };
      }
      if (placed.error) {
        return "value " + value + " for " + control + " is " + placed.error +
          " (" + (input.getAttribute("data-kd-scale") === "log" ? "see the widget's slider" : input.min + "–" + input.max) + ")";
      }
      input.value = placed.position;
    } else {
      return "control " + control + " cannot be set";
    }
    // As if the reader had moved it: the widget computes and announces the change.
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    return null;
  }

  // Sets that arrive before the widget is live wait for it (latest value per control).
  var pending = {};
  var waiting = false;

  function flush() {
    var queued = pending;
    pending = {};
    Object.keys(queued).forEach(function (control) {
      var why = apply(control, queued[control]);
      if (why) ignore(why);
    });
  }

  function whenLive() {
    if (waiting || !widget) return;
    waiting = true;
    var observer = new MutationObserver(function () {
      var state = widget.getAttribute("data-kd-state");
      if (state === "ready") {
        observer.disconnect();
        waiting = false;
        flush();
      } else if (state === "error") {
        observer.disconnect();
        waiting = false;
        var dropped = Object.keys(pending);
        pending = {};
        if (dropped.length) ignore("the widget failed, so " + dropped.join(", ") + " could not be set");
      }
    });
    observer.observe(widget, { attributes: true, attributeFilter: ["data-kd-state"] });
  }

  function set(data) {
    if (!widget) return ignore("this page holds no widget");
    if (typeof data.control !== "string" || !data.control) return ignore("`control` must be a control's name");
    if (!controlNamed(data.control)) return ignore("this widget has no control " + JSON.stringify(data.control));
    if (typeof data.value !== "number" && typeof data.value !== "string") {
      return ignore("value for " + data.control + " must be a number or a string, not " +
        (data.value === null ? "null" : typeof data.value));
    }
    var state = widget.getAttribute("data-kd-state");
    if (state === "error") return ignore("the widget failed, so " + data.control + " cannot be set");
    if (state !== "ready") {
      pending[data.control] = data.value;
      whenLive();
      return;
    }
    var why = apply(data.control, data.value);
    if (why) ignore(why);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    // Only our own message types; anything else on the channel is none of our business.
    if (!data || typeof data !== "object" || typeof data.type !== "string" || data.type.indexOf("kdsite:") !== 0) return;
    var fromParent = embedded() && event.source === window.parent;
    if (!fromParent || (hostOrigin && event.origin !== hostOrigin)) {
      if (data.type === "kdsite:set") ignore("a kdsite:set from " + (event.origin || "an unknown origin") +
        ", which is not the page embedding this widget");
      return;
    }
    if (!hostOrigin) hostOrigin = event.origin;
    try {
      if (data.type === "kdsite:resize-request") {
        report();
        if (last || widget) post(changeMessage(last || shown()));
      } else if (data.type === "kdsite:set") {
        set(data);
      }
    } catch (err) {
      ignore(String(err && err.message)); // never throw on a host's message
    }
  });

  if (widget) {
    widget.addEventListener("kdsite:change", function (event) {
      if (!event.detail) return;
      last = event.detail;
      post(changeMessage(last));
    });
  }
  new ResizeObserver(report).observe(document.documentElement);
  report();
})();
