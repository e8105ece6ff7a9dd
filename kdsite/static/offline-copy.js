// A classic script, not a module: browsers run classic scripts on a page opened from disk
// (file://) and refuse module ones. There the reader already has the whole site on their disk,
// most often the unzipped offline download (kdsite-offline.zip), which does not contain itself,
// so the footer's download link would lead nowhere: it is hidden, and the footer says this is
// the offline copy instead (with a link to the page online when the site has a site_url).
// Over http(s) it changes nothing. Counterpart: the footer in templates/page.html.
(function () {
  if (location.protocol !== "file:") return;
  var download = document.querySelector("[data-kd-download]");
  var copy = document.querySelector("[data-kd-offline-copy]");
  // Deferred: the document is parsed, so the footer is there.
  if (download) download.hidden = true;
  if (copy) copy.hidden = false;
})();
