// training-lab widget: drives training from the main thread and updates the pre-rendered
// markup of templates/widgets/training-lab.html in place from each state computed by Python
// (kdsite/core/states/training_lab.py lab_state, via api.train -> worker.js -> train_json).
//
// One request is outstanding at a time: Play asks for one epoch, renders it, and asks for
// the next only if still playing, so Pause takes effect within one epoch and nothing queues
// up. A settings change (T, α, an architecture) restarts from epoch 0 (answers to requests
// sent before it are dropped); slider input is coalesced to one restart per animation frame.

import { drawYTicks, linePath, num, plotArea, svg } from "../charts.js";
import { describe, fraction, oncePerFrame, place, setAttr, setReadout, setText, sliderControl } from "./common.js";

const SUMMARY_DELAY_MS = 700; // the live summary waits for the reader to stop dragging

/** Return [x, y] in a decision map's view box for a point [u, v] of the unit square. */
function mapXY(point, grid) {
  // Cell c of the raster is sampled at u = c / (grid - 1): put that sample at the cell centre.
  return [0.5 + point[0] * (grid - 1), 0.5 + point[1] * (grid - 1)];
}

function makeRenderer(root) {
  const readouts = Array.from(root.querySelectorAll("[data-kd-readout]"));
  const placeholders = new Map(readouts.map((el) => [el, el.textContent])); // "measured live"
  const copies = Array.from(root.querySelectorAll("[data-kd-same]"));
  const copyPlaceholders = new Map(copies.map((el) => [el, el.textContent]));
  const layers = Array.from(root.querySelectorAll("[data-kd-layers]"));
  const charts = Array.from(root.querySelectorAll("svg[data-kd-chart]")).map((chart) => ({
    chart,
    area: plotArea(chart),
    epochs: Number(chart.dataset.epochs),
    ymax: Number(chart.dataset.ymax),
    ticks: chart.querySelector('[data-kd-ticks="y"]'),
    lines: Array.from(chart.querySelectorAll("[data-kd-curve]")).map((path) => ({
      path,
      key: path.dataset.kdCurve,
      dot: chart.querySelector(`[data-kd-dot="${path.dataset.kdCurve}"]`),
    })),
  }));
  const maps = Array.from(root.querySelectorAll("svg[data-kd-map]")).map((map) => ({
    model: map.dataset.kdMap,
    regions: map.querySelector("[data-kd-regions]"),
    marker: map.querySelector("[data-kd-marker]"),
    shown: null, // JSON of the runs on screen (null: the pre-rendered ones)
  }));
  const preds = Array.from(root.querySelectorAll("[data-kd-pred]")).map((panel) => ({
    model: panel.dataset.kdPred,
    predicted: panel.querySelector("[data-kd-predicted]"),
    bars: Array.from(panel.querySelectorAll("rect[data-kd-bar]")),
    texts: Array.from(panel.querySelectorAll("[data-kd-text]")),
  }));
  const diagrams = Array.from(root.querySelectorAll("[data-kd-diagram]")).map((figure) => ({
    key: figure.dataset.kdDiagram,
    picture: figure.querySelector("svg"),
    params: figure.querySelector("[data-kd-diagram-params]"),
    edges: figure.querySelector("[data-kd-edges]"),
    layers: figure.querySelector("[data-kd-layers-drawn]"),
    shown: null, // JSON of the diagram on screen (null: the pre-rendered one)
  }));
  const trueClass = root.querySelector("[data-kd-true]");
  const pointInput = root.querySelector('input[data-kd-control="point"]');

  function renderCharts(curves, axesByChart) {
    for (const c of charts) {
      // The axis's top and ticks come from Python (state.charts), like every number shown.
      const axes = axesByChart[c.chart.dataset.kdChart];
      if (axes && axes.y_max !== c.ymax) {
        c.ymax = axes.y_max;
        c.chart.dataset.ymax = String(axes.y_max);
        drawYTicks(c.ticks, c.area, axes.y_ticks);
      }
      const x = (i) => c.area.x + (c.area.width * i) / c.epochs;
      const y = (v) => c.area.y + c.area.height - (c.area.height * Math.min(v, c.ymax)) / c.ymax;
      for (const line of c.lines) {
        const values = curves[line.key] || [];
        setAttr(line.path, "d", linePath(values, x, y));
        if (line.dot && values.length) {
          setAttr(line.dot, "cx", num(x(values.length - 1)));
          setAttr(line.dot, "cy", num(y(values[values.length - 1])));
        }
      }
    }
  }

  function renderMaps(state) {
    const point = state.points.test[state.prediction.index];
    for (const m of maps) {
      const runs = state.regions[m.model] || [];
      const key = JSON.stringify(runs);
      if (key !== m.shown) {
        m.shown = key;
        // One path per class, as the template draws them: a few elements to restyle each epoch,
        // not one per run (~80 a map).
        const paths = new Map();
        for (const [row, col, length, cls] of runs) {
          paths.set(cls, (paths.get(cls) || "") + `M${col} ${row}h${length}v1h-${length}z`);
        }
        const fragment = document.createDocumentFragment();
        for (const cls of [...paths.keys()].sort((a, b) => a - b)) {
          fragment.append(svg("path", { class: `kd-c${cls}`, d: paths.get(cls) }));
        }
        m.regions.replaceChildren(fragment);
      }
      if (m.marker && point) {
        const [cx, cy] = mapXY(point, state.grid);
        setAttr(m.marker, "cx", cx.toFixed(3));
        setAttr(m.marker, "cy", cy.toFixed(3));
      }
    }
  }

  // Python lays a network out from its name and layer sizes alone (network_diagram), and its
  // label names both: the pre-rendered drawing is this diagram if label and layers agree.
  function sameAsPreRendered(d, diagram) {
    const units = Array.from(d.layers.querySelectorAll("[data-kd-layer]"), (g) => g.dataset.units);
    return d.picture.getAttribute("aria-label") === diagram.label &&
      units.join(" ") === diagram.layers.map((layer) => String(layer.units)).join(" ");
  }

  // Draw each network as Python laid it out (state.diagrams: kdsite/core/network_diagram.py),
  // as the template does; redrawn only when the architecture changed.
  function renderDiagrams(all) {
    for (const d of diagrams) {
      const diagram = all && all[d.key];
      if (!diagram) continue;
      const key = JSON.stringify(diagram);
      if (key === d.shown) continue;
      const drawn = d.shown === null && sameAsPreRendered(d, diagram);
      d.shown = key;
      if (drawn) continue; // the first state's network, as the template drew it: nothing to redraw
      d.picture.setAttribute("aria-label", diagram.label);
      d.params.textContent = diagram.params_text;
      const edges = document.createDocumentFragment();
      for (const [x1, y1, x2, y2] of diagram.edges) edges.append(svg("line", { x1, y1, x2, y2 }));
      d.edges.replaceChildren(edges);
      const layers = document.createDocumentFragment();
      for (const layer of diagram.layers) {
        const group = svg("g", {
          class: `kd-net__layer kd-net__layer--${layer.role}`,
          "data-kd-layer": layer.role,
          "data-units": layer.units,
        });
        for (const [cx, cy] of layer.nodes) group.append(svg("circle", { cx, cy, r: diagram.radius }));
        const text = (cls, at, words, extra = {}) =>
          svg("text", { class: cls, x: at.x, y: at.y, "text-anchor": "middle", "dominant-baseline": "middle", ...extra }, words);
        if (layer.ellipsis) {
          group.append(text("kd-net__more", layer.ellipsis, layer.ellipsis.text, { "data-elided": layer.ellipsis.elided }));
        }
        group.append(text("kd-net__size", layer.label, layer.label.text));
        layers.append(group);
      }
      d.layers.replaceChildren(layers);
    }
  }

  function renderPrediction(prediction) {
    setText(trueClass, prediction.true);
    for (const p of preds) {
      const model = prediction.models[p.model];
      if (!model) continue;
      setText(p.predicted, model.predicted);
      p.bars.forEach((rect, i) => {
        const value = model.probs[i];
        setAttr(rect, "data-value", value);
        place(rect, fraction(value));
      });
      p.texts.forEach((el, i) => setText(el, model.texts[i]));
    }
  }

  return function render(state) {
    for (const el of readouts) {
      const key = el.dataset.kdReadout;
      const entry = (state.readouts && state.readouts[key]) || (state.controls && state.controls[key]);
      if (entry) setReadout(el, entry);
      else if (key.startsWith("time-")) setText(el, placeholders.get(el), "");
    }
    for (const el of copies) {
      const entry = state.readouts[el.dataset.kdSame];
      setText(el, entry ? entry.text : copyPlaceholders.get(el));
      setAttr(el, "data-kd-empty", entry ? "false" : "true");
    }
    for (const el of layers) {
      const entry = state.controls[el.dataset.kdLayers];
      if (entry) setText(el, entry.value);
    }
    if (pointInput && document.activeElement !== pointInput) {
      const point = String(state.controls.point.value);
      if (pointInput.value !== point) pointInput.value = point;
    }
    renderCharts(state.curves, state.charts || {});
    renderMaps(state);
    renderDiagrams(state.diagrams);
    renderPrediction(state.prediction);
    describe(root, state, { temperature: "T", alpha: "α" });
  };
}

export function mount(root, api) {
  const $ = (selector) => root.querySelector(selector);
  const buttons = {
    play: $('[data-kd-action="play"]'),
    pause: $('[data-kd-action="pause"]'),
    step: $('[data-kd-action="step"]'),
    reset: $('[data-kd-action="reset"]'),
  };
  const inputs = {
    teacher: $('select[data-kd-control="teacher-layers"]'),
    student: $('select[data-kd-control="student-layers"]'),
    temperature: $('input[data-kd-control="temperature"]'),
    alpha: $('input[data-kd-control="alpha"]'),
    point: $('input[data-kd-control="point"]'),
  };
  const notice = $("[data-kd-notice]");
  const summary = $("[data-kd-summary]");
  const render = makeRenderer(root);

  let live = false; // runtime.js says Python is ready
  let dead = false; // the widget failed
  let playing = false;
  let busy = false; // one train request outstanding
  let fresh = true; // no request made yet: the first one starts a new run
  let generation = 0; // bumped by every restart; answers to older requests are dropped
  let restart = null; // {reason: "settings" | "reset"} waiting to be sent
  let stepWanted = false;
  let pointWanted = false; // re-render the prediction for a new point
  let pointChosen = null; // the test point the reader picked; before that Python picks one
  let epoch = 0;
  let done = false;
  let last = null; // the latest state rendered
  let summaryTimer = 0;

  const epochs = Number(root.querySelector("svg[data-kd-chart]")?.dataset.epochs) || 0;

  function controls() {
    const c = {
      "teacher-layers": Number(inputs.teacher.value),
      "student-layers": Number(inputs.student.value),
      ...sliderControl(inputs.temperature),
      ...sliderControl(inputs.alpha),
    };
    if (pointChosen !== null) c.point = pointChosen;
    return c;
  }

  function setButtons() {
    const focused = document.activeElement;
    buttons.play.disabled = !live || dead || playing || done;
    buttons.pause.disabled = !live || dead || !playing;
    buttons.step.disabled = !live || dead || playing || done;
    buttons.reset.disabled = !live || dead;
    // Keep keyboard focus on a usable button when the one pressed turns itself off.
    if (focused && focused.disabled && Object.values(buttons).includes(focused)) {
      const next = [buttons.pause, buttons.play, buttons.step, buttons.reset].find((b) => !b.disabled);
      if (next) next.focus();
    }
    setAttr(root, "data-kd-playing", playing ? "true" : "false");
  }

  function announce(text) {
    clearTimeout(summaryTimer);
    summaryTimer = setTimeout(() => {
      summary.textContent = text;
    }, SUMMARY_DELAY_MS);
  }

  function agreementText(state) {
    const r = state.readouts;
    return `the distilled student agrees with the teacher on ${r["agreement-distilled"].text} ` +
      `of the test points, the scratch student on ${r["agreement-scratch"].text}.`;
  }

  function settingsText(state) {
    const c = state.controls;
    const layers = (select) => select.options[select.selectedIndex].text;
    return `T = ${c.temperature.text}, α = ${c.alpha.text} ` +
      `(teacher: ${layers(inputs.teacher)}, student: ${layers(inputs.student)})`;
  }

  function apply(state, request) {
    last = state;
    render(state);
    // An answer sent before the reader picked a point must not put the old one back.
    if (pointChosen !== null && document.activeElement !== inputs.point) inputs.point.value = String(pointChosen);
    epoch = state.epoch;
    done = Boolean(state.done);
    if (request.reason === "settings") {
      setText(notice, `Settings changed — training restarted from epoch 0 with ${settingsText(state)}.`);
      announce(notice.textContent);
    } else if (request.reason === "reset") {
      notice.textContent = "";
      announce(`Reset to epoch 0 of ${state.epochs}.`);
    }
    if (done && playing) {
      playing = false;
      announce(`Training finished at epoch ${state.epoch}: ${agreementText(state)}`);
    }
    setButtons();
  }

  function pump() {
    if (busy || dead || !live) return;
    let request;
    if (restart) {
      request = { epochs: 0, restart: true, reason: restart.reason };
      restart = null;
      pointWanted = false;
    } else if ((playing || stepWanted) && !done) {
      request = { epochs: 1, restart: fresh };
      pointWanted = false;
    } else if (pointWanted) {
      request = { epochs: 0, restart: false };
      pointWanted = false;
    } else {
      stepWanted = false;
      return;
    }
    stepWanted = false;
    fresh = false;
    busy = true;
    const sent = generation;
    api.train(controls(), { epochs: request.epochs, restart: request.restart }).then(
      (state) => {
        busy = false;
        if (sent === generation) apply(state, request);
        pump();
      },
      () => {
        // runtime.js has put the widget in its error state and says why.
        busy = false;
        dead = true;
        playing = false;
        setButtons();
      },
    );
  }

  function restartWith(reason) {
    generation += 1;
    restart = { reason };
    done = false; // epoch 0 is coming
    pump();
  }

  // Actions.
  buttons.play.addEventListener("click", () => {
    if (playing || done) return;
    playing = true;
    setButtons();
    pump();
  });
  buttons.pause.addEventListener("click", () => {
    if (!playing) return;
    playing = false;
    setButtons();
    announce(`Paused at epoch ${epoch} of ${epochs}` + (last ? `: ${agreementText(last)}` : "."));
  });
  buttons.step.addEventListener("click", () => {
    if (playing || done) return;
    stepWanted = true;
    pump();
  });
  buttons.reset.addEventListener("click", () => {
    playing = false;
    restartWith("reset");
    setButtons();
  });

  // Settings: at most one restart per animation frame, the latest values win.
  const settingsChanged = oncePerFrame(() => {
    restartWith("settings");
    setButtons();
  });
  // The readouts and aria-valuetext of T and α change with the state that answers: Python
  // words them (a positive α below 0.1 reads with two significant digits, 0.050).
  inputs.temperature.addEventListener("input", settingsChanged);
  inputs.alpha.addEventListener("input", settingsChanged);
  inputs.teacher.addEventListener("change", settingsChanged);
  inputs.student.addEventListener("change", settingsChanged);

  // The prediction panel's test point: the number box, or a click on a map.
  function choosePoint(index) {
    const max = Number(inputs.point.max);
    if (!Number.isInteger(index) || index < 0 || index > max) return;
    pointChosen = index;
    pointWanted = true;
    if (Number(inputs.point.value) !== index) inputs.point.value = String(index);
    for (const map of root.querySelectorAll("svg[data-kd-map]")) {
      const circle = map.querySelector(`[data-kd-points=test] circle[data-index="${index}"]`);
      const marker = map.querySelector("[data-kd-marker]");
      if (circle && marker) {
        marker.setAttribute("cx", circle.getAttribute("cx"));
        marker.setAttribute("cy", circle.getAttribute("cy"));
      }
    }
    pump();
  }
  inputs.point.addEventListener("input", () => {
    const value = Number(inputs.point.value);
    if (inputs.point.value !== "" && Number.isInteger(value)) choosePoint(value);
  });
  for (const map of root.querySelectorAll("svg[data-kd-map]")) {
    map.addEventListener("click", (event) => {
      if (!live || dead) return;
      const matrix = map.getScreenCTM();
      if (!matrix) return;
      const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      let best = -1;
      let bestDistance = 2.5 * 2.5; // within 2.5 grid cells
      for (const circle of map.querySelectorAll("[data-kd-points=test] circle")) {
        const dx = Number(circle.getAttribute("cx")) - p.x;
        const dy = Number(circle.getAttribute("cy")) - p.y;
        const d = dx * dx + dy * dy;
        if (d < bestDistance) {
          bestDistance = d;
          best = Number(circle.dataset.index);
        }
      }
      if (best >= 0) choosePoint(best);
    });
  }

  return {
    ready() {
      live = true;
      setButtons();
      pump();
    },
    failed() {
      dead = true;
      playing = false;
      setButtons();
    },
  };
}
