// loss-explorer widget: updates the pre-rendered markup of templates/widgets/loss-explorer.html
// in place from a state computed by Python (kdsite/core/states/loss_explorer.py). Nothing is
// computed here: the two sliders send {alpha, temperature}, at most once per animation frame,
// and every number, bar and chart point comes back from the worker.

function fraction(text) {
  const value = Number(text);
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function num(value) {
  return String(Math.round(value * 1e6) / 1e6);
}

function setAttrs(el, attrs) {
  if (!el) return;
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
}

export function render(root, state) {
  const readouts = state.readouts || {};
  // Readouts may appear several times (controls, terms, formula): update every copy.
  for (const el of root.querySelectorAll("[data-kd-readout]")) {
    const entry = readouts[el.getAttribute("data-kd-readout")];
    if (!entry) continue;
    el.textContent = entry.text;
    el.setAttribute("data-value", entry.value);
  }

  for (const bar of state.bars || []) {
    const row = root.querySelector(`.kd-dv__row[data-index="${bar.index}"]`);
    if (!row) continue;
    for (const side of ["teacher", "student"]) {
      const rect = row.querySelector(`rect[data-kd-bar="${side}"]`);
      if (rect) {
        const width = fraction(bar[side]);
        rect.setAttribute("data-value", bar[side]);
        setAttrs(rect, { width: num(width), x: side === "teacher" ? num(1 - width) : "0" });
      }
      const text = row.querySelector(`[data-kd-text="${side}"]`);
      if (text) text.textContent = bar[`${side}_text`];
    }
  }

  const soft = fraction(readouts["share-soft"] && readouts["share-soft"].value);
  const hard = fraction(readouts["share-hard"] && readouts["share-hard"].value);
  setAttrs(root.querySelector('[data-kd-split="soft"]'), { width: num(soft) });
  setAttrs(root.querySelector('[data-kd-split="hard"]'), { x: num(soft), width: num(hard) });

  const chart = state.chart;
  if (chart) {
    const part = (name) => root.querySelector(`[data-kd-chart="${name}"]`);
    setAttrs(part("scaled"), { points: chart.scaled });
    setAttrs(part("unscaled"), { points: chart.unscaled });
    setAttrs(part("hard"), { y1: chart.hard_y, y2: chart.hard_y });
    const m = chart.marker;
    setAttrs(part("marker"), { x1: m.x, x2: m.x });
    setAttrs(part("dot-scaled"), { cx: m.x, cy: m.scaled_y });
    setAttrs(part("dot-unscaled"), { x: num(m.x - 3.5), y: num(m.unscaled_y - 3.5) });
  }

  if (state.aria_label) root.setAttribute("aria-label", state.aria_label);
  const controls = state.controls || {};
  for (const [key, symbol] of [["alpha", "α"], ["temperature", "T"]]) {
    const slider = root.querySelector(`input[type="range"][data-kd-control="${key}"]`);
    if (slider && controls[key]) slider.setAttribute("aria-valuetext", `${symbol} = ${controls[key].text}`);
  }
}

export function mount(root, api) {
  const sliders = {
    alpha: root.querySelector('input[type="range"][data-kd-control="alpha"]'),
    temperature: root.querySelector('input[type="range"][data-kd-control="temperature"]'),
  };
  if (!sliders.alpha || !sliders.temperature) return;

  let scheduled = 0;
  let dirty = false;
  let shown = 0; // sequence number of the state last rendered
  let sequence = 0;

  function controls() {
    return { alpha: Number(sliders.alpha.value), temperature: Number(sliders.temperature.value) };
  }

  function flush() {
    scheduled = 0;
    if (!dirty) return;
    dirty = false;
    const wanted = controls();
    if (!Number.isFinite(wanted.alpha) || !Number.isFinite(wanted.temperature)) return;
    const seq = ++sequence;
    api.compute(wanted).then(
      (state) => {
        if (seq < shown) return; // an older answer arriving late never overwrites a newer one
        shown = seq;
        render(root, state);
      },
      () => {}, // runtime.js puts the widget in its error state
    );
  }

  function onValue() {
    dirty = true;
    if (!scheduled) scheduled = requestAnimationFrame(flush);
  }

  for (const slider of Object.values(sliders)) {
    slider.addEventListener("input", onValue);
    slider.addEventListener("change", onValue);
  }
}
