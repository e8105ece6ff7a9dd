// The Embedding page's live demo of embed.js's host API (content/embedding.md): beside the
// page's first live embed, a control of the host page's own that moves the widget's
// temperature, and a line of text that follows every change the widget reports. A host page
// of any site would write the same few lines. Loaded by embed.js on this site's pages only.
(function () {
  "use strict";
  var embeds = (window.kdsite && window.kdsite.embeds) || [];
  var figure = document.querySelector("figure.kd-embed-example");
  var frame = figure && figure.querySelector("iframe[data-kdsite-embed]");
  var embed = embeds.filter(function (e) { return e.frame === frame; })[0];
  if (!embed || document.querySelector("[data-kd-embed-demo]")) return;

  var panel = document.createElement("div");
  panel.className = "kd-embed-demo";
  panel.setAttribute("data-kd-embed-demo", "");
  var label = document.createElement("label");
  label.className = "kd-embed-demo__field";
  label.append("Host page's own control: T = ");
  var input = document.createElement("input");
  input.type = "number";
  input.className = "kd-num";
  input.step = "any";
  input.value = "";
  input.setAttribute("data-kd-embed-demo-control", "temperature");
  label.append(input);
  var text = document.createElement("p");
  text.className = "kd-embed-demo__text";
  text.setAttribute("aria-live", "polite");
  text.setAttribute("data-kd-embed-demo-text", "");
  text.textContent = "Waiting for the widget to report…";
  panel.append(label, text);
  figure.after(panel);

  // Host -> widget: a number the widget's slider can take moves it; anything else is ignored
  // by the widget, with a warning in the console.
  input.addEventListener("change", function () {
    if (input.value !== "") embed.set("temperature", Number(input.value));
  });

  // Widget -> host: follow every change, also those the reader makes inside the frame.
  embed.addEventListener("change", function (event) {
    var c = event.detail.controls;
    var r = event.detail.readouts;
    if (document.activeElement !== input && c.temperature !== undefined) input.value = c.temperature;
    text.textContent = "The widget reports T = " + c.temperature + " and KL = " + r.kl + " nats.";
  });
  if (embed.controls) {
    input.value = embed.controls.temperature;
  }
})();
