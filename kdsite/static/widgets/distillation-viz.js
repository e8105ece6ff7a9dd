// distillation-viz widget: updates the pre-rendered markup of
// templates/widgets/distillation-viz.html in place from a state computed by Python
// (kdsite/core/states/distillation_viz.py). Text and data-value attributes change at
// once; only the bar geometry animates, and not at all under prefers-reduced-motion.

const DURATION_MS = 200;
const reducedMotion =
  typeof matchMedia === "function" ? matchMedia("(prefers-reduced-motion: reduce)") : null;

const animations = new WeakMap(); // rect -> {from, to, start}
let frame = 0;

function fraction(text) {
  const value = Number(text);
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function num(value) {
  return String(Math.round(value * 1e6) / 1e6);
}

function place(rect, width) {
  rect.setAttribute("width", num(width));
  rect.setAttribute("x", rect.dataset.kdBar === "teacher" ? num(1 - width) : "0");
}

const active = new Set();

function step(now) {
  frame = 0;
  for (const rect of active) {
    const anim = animations.get(rect);
    // A frame's timestamp can precede the animation's start: clamp, or widths go negative.
    const t = Math.min(1, Math.max(0, (now - anim.start) / DURATION_MS));
    const eased = 1 - Math.pow(1 - t, 3);
    place(rect, anim.from + (anim.to - anim.from) * eased);
    if (t >= 1) {
      active.delete(rect);
      animations.delete(rect);
    }
  }
  if (active.size) frame = requestAnimationFrame(step);
}

function moveBar(rect, target) {
  const current = fraction(rect.getAttribute("width"));
  if (reducedMotion && reducedMotion.matches) {
    active.delete(rect);
    animations.delete(rect);
    place(rect, target);
    return;
  }
  const anim = animations.get(rect);
  if (anim && anim.to === target) return;
  animations.set(rect, { from: current, to: target, start: performance.now() });
  active.add(rect);
  if (!frame) frame = requestAnimationFrame(step);
}

function setReadout(el, entry) {
  if (!entry) return;
  el.textContent = entry.text;
  el.dataset.value = entry.value;
}

export function render(root, state) {
  for (const el of root.querySelectorAll("[data-kd-readout]")) {
    const key = el.dataset.kdReadout;
    setReadout(el, (state.readouts && state.readouts[key]) || (state.controls && state.controls[key]));
  }
  for (const bar of state.bars || []) {
    const row = root.querySelector(`.kd-dv__row[data-index="${bar.index}"]`);
    if (!row) continue;
    for (const side of ["teacher", "student"]) {
      const rect = row.querySelector(`rect[data-kd-bar="${side}"]`);
      if (rect) {
        rect.dataset.value = bar[side];
        moveBar(rect, fraction(bar[side]));
      }
      const text = row.querySelector(`[data-kd-text="${side}"]`);
      if (text) text.textContent = bar[`${side}_text`];
    }
    const delta = row.querySelector("[data-kd-delta]");
    if (delta) delta.dataset.kdDelta = bar.delta || "";
    const name = row.querySelector(".kd-dv__name");
    if (name && bar.label !== undefined) name.textContent = bar.label;
  }
  if (state.aria_label) root.setAttribute("aria-label", state.aria_label);
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (slider && state.controls && state.controls.temperature) {
    slider.setAttribute("aria-valuetext", `T = ${state.controls.temperature.text}`);
  }
}

export function mount(root, api) {
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (!slider) return; // no slider: the pre-rendered figure is the whole widget

  let latest = null; // slider value waiting for the next animation frame
  let scheduled = 0;
  let shown = 0; // sequence number of the state last rendered
  let sequence = 0;

  function flush() {
    scheduled = 0;
    if (latest === null) return;
    const temperature = latest;
    latest = null;
    const seq = ++sequence;
    api.compute({ temperature }).then(
      (state) => {
        if (seq < shown) return; // an older answer arriving late never overwrites a newer one
        shown = seq;
        render(root, state);
      },
      () => {}, // runtime.js puts the widget in its error state
    );
  }

  function onValue() {
    const value = Number(slider.value);
    if (!Number.isFinite(value)) return;
    latest = value;
    if (!scheduled) scheduled = requestAnimationFrame(flush);
  }

  slider.addEventListener("input", onValue);
  slider.addEventListener("change", onValue);
}
