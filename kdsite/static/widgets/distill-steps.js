// distill-steps widget: updates the pre-rendered markup of templates/widgets/distill-steps.html
// in place from a state computed by Python (kdsite/core/states/distill_steps.py), which
// recomputes the student after {step} gradient steps. Play asks for step k+1 about every
// STEP_MS until the last step; the slider jumps to any step. Bar widths glide over BAR_MS,
// except under prefers-reduced-motion, where they jump (the stepping itself goes on).

const STEP_MS = 150;
const BAR_MS = 120;
const reducedMotion =
  typeof matchMedia === "function" ? matchMedia("(prefers-reduced-motion: reduce)") : null;

function fraction(text) {
  const value = Number(text);
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function num(value) {
  return String(Math.round(value * 1e6) / 1e6);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- bar animation (one shared frame loop) ----

const animations = new Map(); // rect -> {from, to, start}
let frame = 0;

function tick(now) {
  frame = 0;
  for (const [rect, anim] of animations) {
    const t = Math.min(1, (now - anim.start) / BAR_MS);
    const eased = 1 - Math.pow(1 - t, 3);
    rect.setAttribute("width", num(anim.from + (anim.to - anim.from) * eased));
    if (t >= 1) animations.delete(rect);
  }
  if (animations.size) frame = requestAnimationFrame(tick);
}

function moveBar(rect, target) {
  if (reducedMotion && reducedMotion.matches) {
    animations.delete(rect);
    rect.setAttribute("width", num(target));
    return;
  }
  const from = fraction(rect.getAttribute("width"));
  if (from === target) return;
  animations.set(rect, { from, to: target, start: performance.now() });
  if (!frame) frame = requestAnimationFrame(tick);
}

// ---- rendering ----

export function render(root, state) {
  const readouts = state.readouts || {};
  for (const el of root.querySelectorAll("[data-kd-readout]")) {
    const entry = readouts[el.getAttribute("data-kd-readout")];
    if (!entry) continue;
    el.textContent = entry.text;
    el.setAttribute("data-value", entry.value);
  }
  for (const bar of state.bars || []) {
    for (const side of ["teacher", "soft", "student"]) {
      const rect = root.querySelector(`rect[data-kd-bar="${side}"][data-index="${bar.index}"]`);
      if (rect) {
        rect.setAttribute("data-value", bar[side]);
        moveBar(rect, fraction(bar[side]));
      }
      const text = root.querySelector(`[data-kd-text="${side}"][data-index="${bar.index}"]`);
      if (text) text.textContent = bar[`${side}_text`];
    }
  }
  if (state.aria_label) root.setAttribute("aria-label", state.aria_label);
}

export function mount(root, api) {
  const slider = root.querySelector('input[type="range"][data-kd-control="step"]');
  const buttons = {
    play: root.querySelector('[data-kd-action="play"]'),
    pause: root.querySelector('[data-kd-action="pause"]'),
    reset: root.querySelector('[data-kd-action="reset"]'),
  };
  if (!slider) return undefined;
  const last = Number(slider.max) || 0;

  let step = Number(slider.value) || 0; // the step asked for last
  let playing = false;
  let run = 0; // increments on every play/pause/reset, so an old play loop stops
  let live = false;
  let sequence = 0;
  let shown = 0;
  let scheduled = 0;

  function setStep(k) {
    step = Math.max(0, Math.min(last, Math.round(k)));
    slider.value = String(step);
    slider.setAttribute("aria-valuetext", `Step ${step} of ${last}`);
  }

  function show(k) {
    const seq = ++sequence;
    return api.compute({ step: k }).then((state) => {
      if (seq < shown) return;
      shown = seq;
      render(root, state);
    });
  }

  function setPlaying(value) {
    playing = value;
    if (buttons.play) buttons.play.setAttribute("aria-pressed", String(value));
    root.setAttribute("data-kd-playing", String(value));
  }

  async function play() {
    if (!live || playing) return;
    const mine = ++run;
    setPlaying(true);
    if (step >= last) {
      setStep(0);
      await Promise.all([show(0), sleep(STEP_MS)]).catch(() => {});
    }
    try {
      while (run === mine && step < last) {
        setStep(step + 1);
        // Wait for both the answer and the interval: never more than one request in flight.
        await Promise.all([show(step), sleep(STEP_MS)]);
      }
    } catch {
      // runtime.js puts the widget in its error state
    }
    if (run === mine) setPlaying(false);
  }

  function pause() {
    run++;
    setPlaying(false);
  }

  function reset() {
    pause();
    setStep(0);
    show(0).catch(() => {});
  }

  function flushSlider() {
    scheduled = 0;
    show(step).catch(() => {});
  }

  slider.addEventListener("input", () => {
    pause();
    setStep(Number(slider.value));
    if (!scheduled) scheduled = requestAnimationFrame(flushSlider);
  });

  if (buttons.play) buttons.play.addEventListener("click", play);
  if (buttons.pause) buttons.pause.addEventListener("click", pause);
  if (buttons.reset) buttons.reset.addEventListener("click", reset);

  function enableButtons(enabled) {
    for (const button of Object.values(buttons)) if (button) button.disabled = !enabled;
  }

  // runtime.js calls these when the widget goes live or fails.
  return {
    ready() {
      live = true;
      enableButtons(true);
    },
    failed() {
      live = false;
      pause();
      enableButtons(false);
    },
  };
}
