// page.evaluate(<this file>, {timeoutMs}): press Play on the page's first training-lab and
// resolve when its [data-kd-readout="epoch"] shows the total printed next to it ("12 / 100").
// Returns {epochs, seconds, start, end} (start and end in this page's performance.now()).
({ timeoutMs }) => {
  const lab = document.querySelector('[data-kd-widget="training-lab"]');
  const play = lab.querySelector('[data-kd-action="play"]');
  const counter = lab.querySelector('[data-kd-readout="epoch"]');
  const total = Number((counter.parentElement.textContent.match(/\/\s*(\d+)/) || [])[1]);
  const first = Number(counter.textContent);
  if (!(total > first)) throw new Error(`no epochs to train (counter "${counter.parentElement.textContent}")`);
  return new Promise((resolve, reject) => {
    let start = 0;
    const observer = new MutationObserver(() => {
      if (Number(counter.textContent) !== total) return;
      const end = performance.now();
      observer.disconnect();
      clearTimeout(timer);
      resolve({ epochs: total - first, seconds: (end - start) / 1000, start, end });
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`training reached epoch ${counter.textContent} of ${total} in ${timeoutMs} ms`));
    }, timeoutMs);
    observer.observe(counter, { subtree: true, childList: true, characterData: true });
    start = performance.now();
    play.click();
  });
}
