// soft-labels widget: updates the pre-rendered markup of templates/widgets/soft-labels.html
// in place from a state computed by Python (kdsite/core/states/soft_labels.py). The class
// picker and the T slider are sent as-is ({class, temperature}); no number shown is computed
// here. Text and data-value attributes change at once; only bar widths animate, and not at
// all under prefers-reduced-motion.

const DURATION_MS = 200;
const KINDS = ["hard", "t1", "soft"];
const reducedMotion =
  typeof matchMedia === "function" ? matchMedia("(prefers-reduced-motion: reduce)") : null;

const animations = new Map(); // rect -> {from, to, start}
let frame = 0;

function fraction(text) {
  const value = Number(text);
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function num(value) {
  return String(Math.round(value * 1e6) / 1e6);
}

function step(now) {
  frame = 0;
  for (const [rect, anim] of animations) {
    // A frame timestamp can precede the start taken in moveBar(): clamp, or the bar overshoots.
    const t = Math.min(1, Math.max(0, (now - anim.start) / DURATION_MS));
    const eased = 1 - Math.pow(1 - t, 3);
    rect.setAttribute("width", num(anim.from + (anim.to - anim.from) * eased));
    if (t >= 1) animations.delete(rect);
  }
  if (animations.size) frame = requestAnimationFrame(step);
}

function moveBar(rect, target) {
  if (reducedMotion && reducedMotion.matches) {
    animations.delete(rect);
    rect.setAttribute("width", num(target));
    return;
  }
  const anim = animations.get(rect);
  if (anim && anim.to === target) return;
  animations.set(rect, { from: fraction(rect.getAttribute("width")), to: target, start: performance.now() });
  if (!frame) frame = requestAnimationFrame(step);
}

function setText(el, text, value) {
  if (!el) return;
  el.textContent = text;
  if (value !== undefined) el.dataset.value = value;
}

export function render(root, state) {
  for (const el of root.querySelectorAll("[data-kd-readout]")) {
    const entry = state.readouts && state.readouts[el.dataset.kdReadout];
    if (entry) setText(el, entry.text, entry.value);
  }
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
      const rect = row.querySelector(`rect[data-kd-bar="${kind}"]`);
      if (rect) {
        rect.dataset.value = bar[kind];
        moveBar(rect, fraction(bar[kind]));
      }
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
    setText(li.querySelector('[data-kd-text="label"]'), item.label);
    setText(li.querySelector('[data-kd-text="pct"]'), item.text);
  });
  if (state.aria_label) root.setAttribute("aria-label", state.aria_label);
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (slider && state.controls && state.controls.temperature) {
    slider.setAttribute("aria-valuetext", `T = ${state.controls.temperature.text}`);
  }
}

export function mount(root, api) {
  const picker = root.querySelector('[data-kd-control="class"]');
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (!picker || !slider) return;

  let latest = null; // controls waiting for the next animation frame
  let scheduled = 0;
  let shown = 0; // sequence number of the state last rendered
  let sequence = 0;

  function flush() {
    scheduled = 0;
    if (latest === null) return;
    const controls = latest;
    latest = null;
    const seq = ++sequence;
    api.compute(controls).then(
      (state) => {
        if (seq < shown) return; // an older answer arriving late never overwrites a newer one
        shown = seq;
        render(root, state);
      },
      () => {}, // runtime.js puts the widget in its error state
    );
  }

  function onValue() {
    const chosen = Number(picker.value);
    const temperature = Number(slider.value);
    if (!Number.isInteger(chosen) || !Number.isFinite(temperature)) return;
    latest = { class: chosen, temperature };
    if (!scheduled) scheduled = requestAnimationFrame(flush);
  }

  for (const control of [picker, slider]) {
    control.addEventListener("input", onValue);
    control.addEventListener("change", onValue);
  }
}
