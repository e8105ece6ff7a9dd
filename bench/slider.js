// page.evaluate(<this file>, {count, timeoutMs}): move the page's first
// input[type=range][data-kd-control] `count` times and return each input's latency in ms:
// from dispatching "input" to the first change of a data-value among the widget's
// [data-kd-readout] elements (a MutationObserver, so the update is seen as it lands, before
// paint). The next input waits for the previous answer and one animation frame, so this
// measures latency, never the widget's coalescing of fast input. Widgets compute on the
// animation frame after an input, so an input dispatched right after a frame would wait a
// whole frame; a reader's input lands anywhere in the frame, so the inputs are spread evenly
// over it (a golden-ratio sequence of delays after the frame).
async ({ count, timeoutMs }) => {
  const slider = document.querySelector("input[type=range][data-kd-control]");
  const widget = slider.closest("[data-kd-widget]");
  const readouts = Array.from(widget.querySelectorAll("[data-kd-readout]"));
  const min = Number(slider.min || 0);
  const max = Number(slider.max || 100);
  const step = Number(slider.step) > 0 ? Number(slider.step) : (max - min) / 100;
  const positions = Math.max(1, Math.round((max - min) / step));
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const FRAME_MS = 1000 / 60;

  const latencies = [];
  let timeouts = 0;
  for (let i = 0; i < count; i++) {
    // A deterministic walk over the whole range that never repeats the current value.
    const old = slider.value;
    for (let k = i * 37 + 11, n = 0; slider.value === old && n <= positions; k++, n++) {
      slider.value = String(min + (k % (positions + 1)) * step);
    }
    const value = slider.value;
    slider.value = old;
    const before = readouts.map((el) => el.dataset.value);
    const latency = await new Promise((resolve) => {
      let start = 0;
      const observer = new MutationObserver(() => {
        if (readouts.some((el, j) => el.dataset.value !== before[j])) {
          const end = performance.now();
          observer.disconnect();
          clearTimeout(timer);
          resolve(end - start);
        }
      });
      const timer = setTimeout(() => {
        observer.disconnect();
        resolve(null);
      }, timeoutMs);
      observer.observe(widget, { subtree: true, attributes: true, attributeFilter: ["data-value"] });
      slider.value = value;
      start = performance.now();
      slider.dispatchEvent(new Event("input", { bubbles: true }));
    });
    if (latency === null) timeouts++;
    else latencies.push(latency);
    await frame();
    await sleep(((i * 0.6180339887) % 1) * FRAME_MS);
  }
  return { latencies, timeouts };
}
