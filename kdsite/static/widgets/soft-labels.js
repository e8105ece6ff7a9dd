// soft-labels widget: updates the pre-rendered markup of templates/widgets/soft-labels.html
// in place from a state computed by Python (kdsite/core/states/soft_labels.py). The class
// picker and the T slider are sent as-is ({class, temperature}); no number shown is computed
// here. Text and data-value attributes change at once; only bar widths animate, and not at
// all under prefers-reduced-motion.

import { computeLoop, describe, setLabel, setText, showBar, showReadouts, sliderControl } from "./common.js";

const KINDS = ["hard", "t1", "soft"];

export function render(root, state) {
  showReadouts(root, state.readouts);
  if (state.controls && state.controls.temperature) {
    for (const el of root.querySelectorAll('[data-kd-text="temperature"]')) {
      setText(el, state.controls.temperature.text);
    }
  }
  if (state.class) {
    for (const el of root.querySelectorAll('[data-kd-text="class"]')) setText(el, state.class.label);
  }
  for (const logit of state.logits || []) {
    setText(root.querySelector(`[data-kd-logit][data-index="${logit.index}"]`), logit.text, logit.value);
  }
  for (const bar of state.bars || []) {
    const row = root.querySelector(`.kd-sl__row[data-index="${bar.index}"]`);
    if (!row) continue;
    row.dataset.kdChosen = bar.chosen ? "true" : "false";
    for (const kind of KINDS) {
      showBar(row.querySelector(`rect[data-kd-bar="${kind}"]`), bar[kind]);
      setText(row.querySelector(`[data-kd-text="${kind}"]`), bar[`${kind}_text`]);
    }
  }
  // The ranked list always has one item per other class, so items are rewritten in place.
  const items = root.querySelectorAll("[data-kd-similar]");
  (state.similar || []).forEach((item, i) => {
    const li = items[i];
    if (!li) return;
    li.dataset.index = String(item.index);
    li.dataset.value = item.value;
    setLabel(li.querySelector('[data-kd-text="label"]'), item.label);
    setText(li.querySelector('[data-kd-text="pct"]'), item.text);
  });
  describe(root, state, { temperature: "T" });
}

export function mount(root, api) {
  const picker = root.querySelector('[data-kd-control="class"]');
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (!picker || !slider) return;

  const read = () => {
    const chosen = Number(picker.value);
    const temperature = sliderControl(slider);
    return Number.isInteger(chosen) && temperature ? { class: chosen, ...temperature } : null;
  };
  computeLoop(api, read, (state) => render(root, state), [picker, slider]);
}
