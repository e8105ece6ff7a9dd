// A classic script, not a module: browsers refuse module scripts (and so Pyodide) on pages
// opened from disk, but still run this. It tells the reader why the widgets are not live
// and how to make them live. Counterpart: runtime.js, which never starts under file://.
(function () {
  if (location.protocol !== "file:") return;
  var text =
    "Opened from a file, so this figure shows the values computed when the site was built. " +
    "To make it live, serve the folder: run `make serve` (or any static web server) and open it over http.";
  function explain() {
    var widgets = document.querySelectorAll("[data-kd-widget]");
    for (var i = 0; i < widgets.length; i++) {
      var status = widgets[i].querySelector("[data-kd-status]");
      if (status) status.textContent = text;
      widgets[i].setAttribute("data-kd-file", "");
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", explain);
  else explain();
})();
