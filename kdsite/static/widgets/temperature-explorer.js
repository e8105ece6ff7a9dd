// temperature-explorer widget: updates the pre-rendered markup of
// templates/widgets/temperature-explorer.html in place from a state computed by Python
// (kdsite/core/states/temperature_explorer.py). The slider's value is log10(T); it is sent
// as-is ({log_temperature}) and Python turns it into T, so no number shown is computed here.
// Text and data-value attributes change at once; only bar widths animate, and not at all
// under prefers-reduced-motion.

const DURATION_MS = 200;
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
  for (const bar of state.bars || []) {
    const row = root.querySelector(`.kd-te__row[data-index="${bar.index}"]`);
    if (!row) continue;
    const rect = row.querySelector('rect[data-kd-bar="prob"]');
    if (rect) {
      rect.dataset.value = bar.value;
      moveBar(rect, fraction(bar.value));
    }
    setText(row.querySelector('[data-kd-text="scaled"]'), bar.scaled_text, bar.scaled);
    setText(row.querySelector('[data-kd-text="prob"]'), bar.text);
  }
  if (state.top) setText(root.querySelector('[data-kd-text="top"]'), state.top.label);
  if (state.regime) {
    root.dataset.kdRegime = state.regime.key;
    setText(root.querySelector('[data-kd-text="regime"]'), state.regime.text);
  }
  if (state.aria_label) root.setAttribute("aria-label", state.aria_label);
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (slider && state.controls && state.controls.temperature) {
    slider.setAttribute("aria-valuetext", `T = ${state.controls.temperature.text}`);
  }
}

export function mount(root, api) {
  const slider = root.querySelector('input[type="range"][data-kd-control="temperature"]');
  if (!slider) return;

  let latest = null; // slider position waiting for the next animation frame
  let scheduled = 0;
  let shown = 0; // sequence number of the state last rendered
  let sequence = 0;

  function flush() {
    scheduled = 0;
    if (latest === null) return;
    const position = latest;
    latest = null;
    const seq = ++sequence;
    api.compute({ log_temperature: position }).then(
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
