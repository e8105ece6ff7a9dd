// Explorable build-time figures (kdsite/figures/accuracy_vs_size.py): each point is a
// focusable [data-kd-point] whose details box CSS shows on :focus and :hover, so the figure
// works without this script. This adds only what CSS cannot: arrow keys (and Home/End) move
// between a figure's points, and a tap focuses the point (touch browsers do not always focus
// SVG elements). A classic script, not a module, so it also runs from file://.
(function () {
  "use strict";

  const KEYS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

  function setUp(figure) {
    const points = Array.from(figure.querySelectorAll("[data-kd-point]"));
    if (!points.length) return;
    figure.addEventListener("keydown", (event) => {
      const index = points.indexOf(event.target);
      if (index < 0) return;
      let next = null;
      if (event.key in KEYS) next = (index + KEYS[event.key] + points.length) % points.length;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = points.length - 1;
      else if (event.key === "Escape") event.target.blur();
      if (next === null) return;
      event.preventDefault();
      points[next].focus();
    });
    figure.addEventListener("click", (event) => {
      const point = event.target.closest && event.target.closest("[data-kd-point]");
      if (point && document.activeElement !== point) point.focus();
    });
  }

  function start() {
    document.querySelectorAll("[data-kd-figure]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
