// distill-steps widget: updates the pre-rendered markup of templates/widgets/distill-steps.html
// in place from a state computed by Python (kdsite/core/states/distill_steps.py), which
// recomputes the student after {step} gradient steps. Play asks for step k+1 about every
// STEP_MS until the last step; the slider jumps to any step. Bar widths glide over BAR_MS,
// except under prefers-reduced-motion, where they jump (the stepping itself goes on).

import { computeLoop, describe, setText, showBar, showReadouts } from "./common.js";

const STEP_MS = 150;
const BAR_MS = 120;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function render(root, state) {
  showReadouts(root, state.readouts);
  for (const bar of state.bars || []) {
    for (const side of ["teacher", "soft", "student"]) {
      showBar(root.querySelector(`rect[data-kd-bar="${side}"][data-index="${bar.index}"]`), bar[side], { ms: BAR_MS });
      setText(root.querySelector(`[data-kd-text="${side}"][data-index="${bar.index}"]`), bar[`${side}_text`]);
    }
  }
  describe(root, state);
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
  // The slider asks for at most one step a frame; play and reset share its stale-answer guard.
  const loop = computeLoop(api, () => ({ step }), (state) => render(root, state));

  function setStep(k) {
    step = Math.max(0, Math.min(last, Math.round(k)));
    slider.value = String(step);
    slider.setAttribute("aria-valuetext", `Step ${step} of ${last}`);
  }

  const show = (k) => loop.show({ step: k }); // rejects if the computation fails

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

  slider.addEventListener("input", () => {
    pause();
    setStep(Number(slider.value));
    loop.request();
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
