// distillation-viz widget: updates the pre-rendered markup of
// templates/widgets/distillation-viz.html in place from a state computed by Python
// (kdsite/core/states/distillation_viz.py). Text and data-value attributes change at
// once; only the bar geometry animates, and not at all under prefers-reduced-motion.
// Python picks the rows: above 20 classes the top ones plus one "other" row, which the
// template marks data-kd-other instead of data-index; the rows never change with T.

import { computeLoop, describe, setLabel, setText, showBar, showReadouts, sliderControl } from "./common.js";

function showRow(row, bar) {
  if (!row || !bar) return;
  for (const side of ["teacher", "student"]) {
    showBar(row.querySelector(`rect[data-kd-bar="${side}"]`), bar[side], { mirrored: side === "teacher" });
    setText(row.querySelector(`[data-kd-text="${side}"]`), bar[`${side}_text`]);
  }
  const delta = row.querySelector("[data-kd-delta]");
  if (delta) delta.dataset.kdDelta = bar.delta || "";
  setLabel(row.querySelector(".kd-dv__name"), bar.label);
}

export function render(root, state) {
  showReadouts(root, state.readouts, state.controls);
  for (const bar of state.bars || []) {
    showRow(root.querySelector(`.kd-dv__row[data-index="${bar.index}"]`), bar);
  }
  showRow(root.querySelector(".kd-dv__row[data-kd-other]"), state.other);
  describe(root, state, { temperature: "T" });
}

export function mount(root, api) {
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (!slider) return; // no slider: the pre-rendered figure is the whole widget
  computeLoop(api, () => sliderControl(slider), (state) => render(root, state), [slider]);
}
