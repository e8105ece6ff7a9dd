// A classic script, not a module, for the two places where the widgets cannot go live and
// module scripts may not even load; it tells the reader why, and what makes them live.
// - Opened from disk (file://): browsers refuse module scripts (and so Pyodide) there, but
//   still run this. The widgets keep their pre-computed values (data-kd-state stays "static").
// - In an iframe sandboxed without allow-same-origin: the page has an opaque origin, so the
//   browser refuses it a Web Worker, and fetches its module scripts with CORS, which many
//   hosts do not answer, so runtime.js may never run. The widgets fail ("error") at once.
// Counterparts: runtime.js, which never starts under file:// (and in an opaque frame fails
// the same way when it does load: supervisor.js), and the embedding page's sandbox advice.
(function () {
  var file = location.protocol === "file:";
  // window.origin is the string "null" exactly when the page's origin is opaque.
  var opaque = !file && window.origin === "null";
  if (!file && !opaque) return;
  var FILE_TEXT =
    "Opened from a file, so this figure shows the values computed when the site was built. " +
    "To make it live, serve the folder: run `make serve` (or any static web server) and open it over http.";
  var SANDBOX_TEXT =
    "Interactive version unavailable: this widget is in an iframe whose sandbox attribute lacks " +
    "allow-same-origin, so the browser gives it no origin and refuses it the Python worker. " +
    'Write sandbox="allow-scripts allow-same-origin" on the iframe. ' +
    "The figure still shows its last computed values.";

  function explain() {
    var widgets = document.querySelectorAll("[data-kd-widget]");
    for (var i = 0; i < widgets.length; i++) {
      var widget = widgets[i];
      var status = widget.querySelector("[data-kd-status]");
      if (status) status.textContent = file ? FILE_TEXT : SANDBOX_TEXT;
      if (file) {
        widget.setAttribute("data-kd-file", "");
        continue;
      }
      widget.setAttribute("data-kd-state", "error");
      var controls = widget.querySelectorAll("[data-kd-control], [data-kd-action]");
      for (var j = 0; j < controls.length; j++) controls[j].disabled = true;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", explain);
  else explain();
})();
