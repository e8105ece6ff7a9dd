// Small SVG helpers for kdsite's widgets: line paths, tick marks, element creation. Every
// number a reader sees on an axis comes from Python's state, with its text.
// No styles are set here: everything is drawn with attributes and classes only (the site's
// Content-Security-Policy forbids inline styles).

const SVG_NS = "http://www.w3.org/2000/svg";

/** Return a number rounded for an SVG attribute. */
export function num(value) {
  return String(Math.round(value * 100) / 100);
}

/** Create an SVG element with the given attributes. */
export function svg(name, attrs = {}, text) {
  const el = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Return the `d` of a polyline through values[i] at x(i), y(values[i]). */
export function linePath(values, x, y) {
  let d = "";
  for (let i = 0; i < values.length; i++) {
    d += `${i ? "L" : "M"}${num(x(i))} ${num(y(values[i]))}`;
  }
  return d;
}

/** Return the plot area {x, y, width, height} of a chart from its .kd-chart__plot rect. */
export function plotArea(chart) {
  const rect = chart.querySelector(".kd-chart__plot");
  const read = (name) => Number(rect.getAttribute(name));
  return { x: read("x"), y: read("y"), width: read("width"), height: read("height") };
}

/** Redraw a chart's horizontal grid lines and y tick labels: `ticks` ([{text}], from Python)
 * evenly spaced from the bottom of the plot area to its top. */
export function drawYTicks(group, area, ticks) {
  const fragment = document.createDocumentFragment();
  const steps = Math.max(1, ticks.length - 1);
  ticks.forEach((tick, i) => {
    const y = num(area.y + area.height - (area.height * i) / steps);
    fragment.append(
      svg("line", { class: "kd-chart__grid", x1: area.x, x2: area.x + area.width, y1: y, y2: y }),
      svg("text", { class: "kd-chart__tick", x: area.x - 4, y, "text-anchor": "end",
                    "dominant-baseline": "middle" }, tick.text),
    );
  });
  group.replaceChildren(fragment);
}
