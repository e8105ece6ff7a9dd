// Small SVG helpers for kdsite's widgets: nice axis steps, line paths, element creation.
// No styles are set here: everything is drawn with attributes and classes only (the site's
// Content-Security-Policy forbids inline styles).

const SVG_NS = "http://www.w3.org/2000/svg";

// Same list as `nice` in templates/widgets/training-lab.html, so a pre-rendered axis and a
// redrawn one agree.
export const NICE_STEPS = [
  0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250,
  500, 1000,
];

/** Return {step, count, max}: at most 4 equal steps from 0 that cover `top`. */
export function niceScale(top) {
  const value = Number.isFinite(top) && top > 0 ? top : 0;
  let step = NICE_STEPS.find((s) => s >= value / 4);
  if (step === undefined) {
    const k = Math.pow(10, Math.floor(Math.log10(value / 4)));
    step = [1, 2, 2.5, 5, 10].map((m) => m * k).find((s) => s >= value / 4);
  }
  const count = Math.max(1, Math.ceil(value / step - 1e-9));
  return { step, count, max: step * count };
}

/** Return a tick label like Python's "%g" for the values niceScale produces. */
export function tickText(value) {
  return String(Number(value.toPrecision(6)));
}

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

/** Redraw a chart's horizontal grid lines and y tick labels for a scale from niceScale. */
export function drawYTicks(group, area, scale) {
  const fragment = document.createDocumentFragment();
  for (let i = 0; i <= scale.count; i++) {
    const y = num(area.y + area.height - (area.height * i) / scale.count);
    fragment.append(
      svg("line", { class: "kd-chart__grid", x1: area.x, x2: area.x + area.width, y1: y, y2: y }),
      svg("text", { class: "kd-chart__tick", x: area.x - 4, y, "text-anchor": "end",
                    "dominant-baseline": "middle" }, tickText(scale.step * i)),
    );
  }
  group.replaceChildren(fragment);
}
