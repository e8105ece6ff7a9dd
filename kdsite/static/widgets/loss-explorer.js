// loss-explorer widget: updates the pre-rendered markup of templates/widgets/loss-explorer.html
// in place from a state computed by Python (kdsite/core/states/loss_explorer.py). Nothing is
// computed here: the two sliders send {alpha, temperature_position} (T's slider is
// logarithmic; kdsite/core/slider.py), at most once per animation frame, and every number,
// bar and chart point comes back from the worker.

import { computeLoop, describe, fraction, num, place, setText, showReadouts, sliderControl } from "./common.js";

function setAttrs(el, attrs) {
  if (!el) return;
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
}

export function render(root, state) {
  const readouts = state.readouts || {};
  // Readouts may appear several times (controls, terms, formula): update every copy.
  showReadouts(root, readouts);

  for (const bar of state.bars || []) {
    const row = root.querySelector(`.kd-dv__row[data-index="${bar.index}"]`);
    if (!row) continue;
    for (const side of ["teacher", "student"]) {
      const rect = row.querySelector(`rect[data-kd-bar="${side}"]`);
      if (rect) {
        rect.dataset.value = bar[side];
        place(rect, fraction(bar[side]), side === "teacher"); // no animation in this widget
      }
      setText(row.querySelector(`[data-kd-text="${side}"]`), bar[`${side}_text`]);
    }
  }

  const soft = fraction(readouts["share-soft"] && readouts["share-soft"].value);
  const hard = fraction(readouts["share-hard"] && readouts["share-hard"].value);
  setAttrs(root.querySelector('[data-kd-split="soft"]'), { width: num(soft) });
  setAttrs(root.querySelector('[data-kd-split="hard"]'), { x: num(soft), width: num(hard) });

  const chart = state.chart;
  if (chart) {
    const part = (name) => root.querySelector(`[data-kd-chart="${name}"]`);
    setAttrs(part("scaled"), { points: chart.scaled });
    setAttrs(part("unscaled"), { points: chart.unscaled });
    setAttrs(part("hard"), { y1: chart.hard_y, y2: chart.hard_y });
    const m = chart.marker;
    setAttrs(part("marker"), { x1: m.x, x2: m.x });
    setAttrs(part("dot-scaled"), { cx: m.x, cy: m.scaled_y });
    setAttrs(part("dot-unscaled"), { x: num(m.x - 3.5), y: num(m.unscaled_y - 3.5) });
  }

  describe(root, state, { alpha: "α", temperature: "T" });
}

// Which part of the page's knowledge-flow diagram (kdsite/figures/knowledge_flow.py) each
// term card belongs to.
const FLOW_PARTS = { soft: "soft", hard: "hard", total: "combined" };
const LIT = "kd-flow-lit";

/** Light the diagram's part of a term card while the card is hovered or focused; no diagram, no-op. */
export function linkFlowDiagram(root, doc = document) {
  for (const card of root.querySelectorAll("[data-kd-term]")) {
    const part = FLOW_PARTS[card.dataset.kdTerm];
    if (!part) continue;
    const update = () => {
      const on = card.matches(":hover") || card.contains(doc.activeElement);
      for (const el of doc.querySelectorAll(`[data-kd-flow="${part}"]`)) {
        el.classList.toggle(LIT, on);
        const svg = el.closest("svg");
        if (svg) svg.classList.toggle("kd-kf--lit", Boolean(svg.querySelector(`.${LIT}`)));
      }
    };
    for (const type of ["mouseenter", "mouseleave", "focusin", "focusout"]) {
      // focusout fires before focus moves on: look again once it has.
      card.addEventListener(type, () => (type === "focusout" ? setTimeout(update, 0) : update()));
    }
  }
}

export function mount(root, api) {
  linkFlowDiagram(root);
  const sliders = {
    alpha: root.querySelector('input[type="range"][data-kd-control="alpha"]'),
    temperature: root.querySelector('input[type="range"][data-kd-control="temperature"]'),
  };
  if (!sliders.alpha || !sliders.temperature) return;

  const read = () => {
    const alpha = sliderControl(sliders.alpha);
    const temperature = sliderControl(sliders.temperature);
    return alpha && temperature ? { ...alpha, ...temperature } : null;
  };
  computeLoop(api, read, (state) => render(root, state), Object.values(sliders));
}
