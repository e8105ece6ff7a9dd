// What every widget module shares: bar geometry, readouts and the compute loop. The DOM
// contract: text and data-value change at once when a state arrives; only bar geometry
// animates, and not at all under prefers-reduced-motion.

const BAR_MS = 200;
const reducedMotion =
  typeof matchMedia === "function" ? matchMedia("(prefers-reduced-motion: reduce)") : null;

/** Return a state's number (a string) as a bar width in [0, 1]; unreadable reads as 0. */
export function fraction(text) {
  const value = Number(text);
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** Return a number rounded for a unit-wide SVG attribute. */
export function num(value) {
  return String(Math.round(value * 1e6) / 1e6);
}

/**
 * Set an attribute to String(value) unless it already has that value. A write of the same
 * value is not free: it queues a mutation record, invalidates style and, for SVG geometry or
 * text, makes the next frame lay out and paint that element again.
 */
export function setAttr(el, name, value) {
  const text = String(value);
  if (el.getAttribute(name) !== text) el.setAttribute(name, text);
}

/** Set a bar's width; a mirrored bar (a teacher bar of the .kd-dv__* rows) grows leftwards. */
export function place(rect, width, mirrored = false) {
  setAttr(rect, "width", num(width));
  if (mirrored) setAttr(rect, "x", num(1 - width));
}

// ---- bar animation: one frame loop for every bar on the page ----

const animations = new Map(); // rect -> {from, to, start, ms, mirrored}
let frame = 0;

function step(now) {
  frame = 0;
  for (const [rect, anim] of animations) {
    // A frame's timestamp can precede the animation's start: clamp, or the bar overshoots.
    const t = Math.min(1, Math.max(0, (now - anim.start) / anim.ms));
    const eased = 1 - Math.pow(1 - t, 3);
    place(rect, anim.from + (anim.to - anim.from) * eased, anim.mirrored);
    if (t >= 1) animations.delete(rect);
  }
  if (animations.size) frame = requestAnimationFrame(step);
}

/** Glide a bar to `target` over `ms` (cubic ease-out); snap under prefers-reduced-motion. */
export function moveBar(rect, target, { ms = BAR_MS, mirrored = false } = {}) {
  if (reducedMotion && reducedMotion.matches) {
    animations.delete(rect);
    place(rect, target, mirrored);
    return;
  }
  const anim = animations.get(rect);
  if (anim && anim.to === target) return; // already on its way there
  const from = fraction(rect.getAttribute("width"));
  if (!anim && from === target) return; // already there
  animations.set(rect, { from, to: target, start: performance.now(), ms, mirrored });
  if (!frame) frame = requestAnimationFrame(step);
}

/** Show a bar's value: data-value at once, the geometry through moveBar. */
export function showBar(rect, value, options) {
  if (!rect) return;
  setAttr(rect, "data-value", value);
  moveBar(rect, fraction(value), options);
}

// ---- text ----

/** Set an element's text and, if given, its data-value (tests and CSS read the value); what
 * already reads so is left alone (setAttr says why). */
export function setText(el, text, value) {
  if (!el) return;
  if (el.textContent !== String(text)) el.textContent = text;
  if (value !== undefined) setAttr(el, "data-value", value);
}

/** Set a class label's text and its title (the full name, when CSS clips a long one). */
export function setLabel(el, text) {
  if (!el || text === undefined) return;
  if (el.textContent !== String(text)) el.textContent = text;
  setAttr(el, "title", text);
}

/**
 * Return what a range slider sends: its position, {temperature_position: 2.5}, which Python
 * turns into the value (kdsite/core/slider.py: a linear slider's position is the value, a log
 * slider's is log10(value / start)). Null for an unreadable position.
 */
export function sliderControl(slider) {
  const position = Number(slider.value);
  return Number.isFinite(position) ? { [`${slider.dataset.kdControl}_position`]: position } : null;
}

/** Set a readout from a state entry {text, value}. */
export function setReadout(el, entry) {
  if (entry) setText(el, entry.text, entry.value);
}

/** Update every [data-kd-readout] copy from the first of `sources` that has its key. */
export function showReadouts(root, ...sources) {
  for (const el of root.querySelectorAll("[data-kd-readout]")) {
    const key = el.dataset.kdReadout;
    setReadout(el, sources.map((source) => source && source[key]).find(Boolean));
  }
}

/**
 * Return what a widget shows, as the DOM contract says it: {widget, id, controls, readouts},
 * each of controls and readouts a map of name -> string. A readout is its data-value (the
 * first element of that name); a control is the data-value of the readout of its name when
 * there is one (a slider's quantity, not its position), else the control's own value (a
 * select's option, a number box).
 */
export function snapshot(root) {
  const readouts = {};
  for (const el of root.querySelectorAll("[data-kd-readout]")) {
    const key = el.dataset.kdReadout;
    if (!(key in readouts) && el.dataset.value !== undefined) readouts[key] = el.dataset.value;
  }
  const controls = {};
  for (const el of root.querySelectorAll("[data-kd-control]")) {
    const key = el.dataset.kdControl;
    if (!(key in controls)) controls[key] = key in readouts ? readouts[key] : String(el.value);
  }
  return { widget: root.dataset.kdWidget || "", id: root.id || "", controls, readouts };
}

const announcing = new WeakSet(); // roots with a kdsite:change already queued

/**
 * Dispatch a `kdsite:change` CustomEvent (bubbling; detail: snapshot(root)) on the widget root
 * once the render under way has finished: a host page, or embed-frame.js for a host outside
 * the frame, follows the widget through it. Several calls in one task make one event.
 */
export function announceChange(root) {
  if (announcing.has(root)) return;
  announcing.add(root);
  queueMicrotask(() => {
    announcing.delete(root);
    root.dispatchEvent(new CustomEvent("kdsite:change", { bubbles: true, detail: snapshot(root) }));
  });
}

/**
 * Set the widget's aria-label and its sliders' aria-valuetext, e.g. {temperature: "T"}.
 * Every widget's render calls it with each state it draws, so it also announces the change.
 */
export function describe(root, state, symbols = {}) {
  announceChange(root);
  if (state.aria_label) setAttr(root, "aria-label", state.aria_label);
  const controls = state.controls || {};
  for (const [key, symbol] of Object.entries(symbols)) {
    const slider = root.querySelector(`input[type="range"][data-kd-control="${key}"]`);
    if (slider && controls[key]) setAttr(slider, "aria-valuetext", `${symbol} = ${controls[key].text}`);
  }
}

// ---- the compute loop ----

/**
 * Return request(): call `fn` at once unless it already ran during this animation frame, in
 * which case call it once on the next frame. At most one call per frame, and the first input
 * of a frame is not kept waiting for the frame to end (that wait alone is up to 16 ms); fn
 * reads the controls when it runs, so the latest values win.
 */
export function oncePerFrame(fn) {
  let ranThisFrame = false;
  let wanted = false;
  function tick() {
    if (!wanted) {
      ranThisFrame = false;
      return;
    }
    wanted = false;
    fn();
    requestAnimationFrame(tick);
  }
  return function request() {
    if (ranThisFrame) {
      wanted = true;
      return;
    }
    ranThisFrame = true;
    fn();
    requestAnimationFrame(tick);
  };
}

/**
 * Send the controls read() returns (null: nothing valid to send) to api.compute at most once
 * per animation frame (oncePerFrame); an answer older than the one shown is dropped. Every
 * `input` and `change` of `controls` asks; request() and show() are for the rest.
 */
export function computeLoop(api, read, render, controls = []) {
  let sequence = 0;
  let shown = 0; // sequence number of the state last rendered

  function show(wanted, onError) {
    const seq = ++sequence;
    return api.compute(wanted).then((state) => {
      if (seq < shown) return; // an older answer arriving late never overwrites a newer one
      shown = seq;
      render(state);
    }, onError);
  }

  const request = oncePerFrame(() => {
    const wanted = read();
    if (wanted) show(wanted, () => {}); // runtime.js puts the widget in its error state
  });

  for (const control of controls) {
    control.addEventListener("input", request);
    control.addEventListener("change", request);
  }
  return { request, show };
}
