// A classic script, not a module, for the two places where the runtime's module scripts may
// not load at all.
// - Opened from disk (file://): browsers refuse module scripts (and so runtime.js and Pyodide)
//   there, but still run this. It loads _kd/file/boot.js (kdsite/static/file/boot.js), which
//   runs the same runtime from classic scripts and makes the widgets live; readers served over
//   http(s) never download it. Every widget is marked data-kd-file. Should the site have no
//   _kd/file/ (built without it), the widgets keep their pre-computed values (data-kd-state stays
//   "static") and say how to make them live.
// - In an iframe sandboxed without allow-same-origin: the page has an opaque origin, so the
//   browser refuses it a Web Worker, and fetches its module scripts with CORS, which many
//   hosts do not answer, so runtime.js may never run. The widgets fail ("error") at once.
// Counterparts: runtime.js (in an opaque frame it fails the same way when it does load:
// supervisor.js), and the embedding page's sandbox advice.
(function () {
  var file = location.protocol === "file:";
  // window.origin is the string "null" exactly when the page's origin is opaque.
  var opaque = !file && window.origin === "null";
  if (!file && !opaque) return;
  var FILE_TEXT =
    "Opened from a file, so this figure shows the values computed when the site was built. " +
    "To make it live, serve the folder: run `make serve` (or any static web server) and open it over http.";
  var here = document.currentScript && document.currentScript.src;
  var SANDBOX_TEXT =
    "Interactive version unavailable: this widget is in an iframe whose sandbox attribute lacks " +
    "allow-same-origin, so the browser gives it no origin and refuses it the Python worker. " +
    'Write sandbox="allow-scripts allow-same-origin" on the iframe. ' +
    "The figure still shows its last computed values.";

  function explain(reason) {
    var widgets = document.querySelectorAll("[data-kd-widget]");
    for (var i = 0; i < widgets.length; i++) {
      var widget = widgets[i];
      var status = widget.querySelector("[data-kd-status]");
      if (file) {
        widget.setAttribute("data-kd-file", "");
        if (status && reason) status.textContent = FILE_TEXT + " (" + reason + ")";
        continue;
      }
      if (status) status.textContent = SANDBOX_TEXT;
      widget.setAttribute("data-kd-state", "error");
      var controls = widget.querySelectorAll("[data-kd-control], [data-kd-action]");
      for (var j = 0; j < controls.length; j++) controls[j].disabled = true;
    }
  }
  function whenParsed(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }
  if (!file) return whenParsed(explain);

  whenParsed(function () {
    explain("");
  });
  // boot.js calls kdFile.unavailable(reason) when its own files are missing.
  window.kdFile = {
    unavailable: function (reason) {
      whenParsed(function () {
        explain(reason);
      });
    },
  };
  var boot = document.createElement("script");
  boot.src = new URL("../file/boot.js", here).href; // this file is _kd/static/local-file.js
  boot.onerror = function () {
    window.kdFile.unavailable("_kd/file/boot.js is not in this copy of the site");
  };
  document.head.appendChild(boot);
})();
