// distillation-viz widget: updates the pre-rendered markup of
// templates/widgets/distillation-viz.html in place from a state computed by Python
// (kdsite/core/states/distillation_viz.py). Text and data-value attributes change at
// once; only the bar geometry animates, and not at all under prefers-reduced-motion.

import { computeLoop, describe, setText, showBar, showReadouts } from "./common.js";

export function render(root, state) {
  showReadouts(root, state.readouts, state.controls);
  for (const bar of state.bars || []) {
    const row = root.querySelector(`.kd-dv__row[data-index="${bar.index}"]`);
    if (!row) continue;
    for (const side of ["teacher", "student"]) {
      showBar(row.querySelector(`rect[data-kd-bar="${side}"]`), bar[side], { mirrored: side === "teacher" });
      setText(row.querySelector(`[data-kd-text="${side}"]`), bar[`${side}_text`]);
    }
    const delta = row.querySelector("[data-kd-delta]");
    if (delta) delta.dataset.kdDelta = bar.delta || "";
    const name = row.querySelector(".kd-dv__name");
    if (name && bar.label !== undefined) name.textContent = bar.label;
  }
  describe(root, state, { temperature: "T" });
}

export function mount(root, api) {
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (!slider) return; // no slider: the pre-rendered figure is the whole widget

  const read = () => {
    const temperature = Number(slider.value);
    return Number.isFinite(temperature) ? { temperature } : null;
  };
  computeLoop(api, read, (state) => render(root, state), [slider]);
}
