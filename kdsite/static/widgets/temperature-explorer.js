// temperature-explorer widget: updates the pre-rendered markup of
// templates/widgets/temperature-explorer.html in place from a state computed by Python
// (kdsite/core/states/temperature_explorer.py). The slider is logarithmic: its value is a
// position, sent as-is ({temperature_position}), and Python turns it into T
// (kdsite/core/slider.py), so no number shown is computed here.
// Text and data-value attributes change at once; only bar widths animate, and not at all
// under prefers-reduced-motion.

import { computeLoop, describe, setText, showBar, showReadouts, sliderControl } from "./common.js";

export function render(root, state) {
  showReadouts(root, state.readouts);
  for (const bar of state.bars || []) {
    const row = root.querySelector(`.kd-te__row[data-index="${bar.index}"]`);
    if (!row) continue;
    showBar(row.querySelector('rect[data-kd-bar="prob"]'), bar.value);
    setText(row.querySelector('[data-kd-text="scaled"]'), bar.scaled_text, bar.scaled);
    setText(row.querySelector('[data-kd-text="prob"]'), bar.text);
  }
  if (state.top) setText(root.querySelector('[data-kd-text="top"]'), state.top.label);
  if (state.regime) {
    root.dataset.kdRegime = state.regime.key;
    setText(root.querySelector('[data-kd-text="regime"]'), state.regime.text);
  }
  describe(root, state, { temperature: "T" });
}

export function mount(root, api) {
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (!slider) return;

  computeLoop(api, () => sliderControl(slider), (state) => render(root, state), [slider]);
}
