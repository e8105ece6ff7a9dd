// Drives Debian's Firefox ESR for tests/engines/firefox_driver.py: puppeteer-core over
// WebDriver BiDi, so no browser is downloaded. One JSON object per line on stdin,
// {"id": n, "op": "...", ...}; one per line on stdout, {"id": n, "ok": true, "value": v} or
// {"id": n, "ok": false, "error": "...", "timeout": bool}. The first line out is
// {"ready": true, "version": "..."} (or {"ready": false, "error": "..."}).
// Usage: node firefox_helper.mjs /usr/bin/firefox-esr ['{"serviceWorkers": true}']
import readline from "node:readline";

import puppeteer, { TimeoutError } from "puppeteer-core";

const executablePath = process.argv[2];
// Launch options (JSON): serviceWorkers lets pages register service workers (off by default).
const options = JSON.parse(process.argv[3] || "{}");
const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");

// Every request that leaves 127.0.0.1 goes to a proxy on the discard port, which refuses it,
// so nothing reaches another host, even Firefox's own background services.
const PREFS = {
  "network.proxy.type": 1,
  "network.proxy.http": "127.0.0.1",
  "network.proxy.http_port": 9,
  "network.proxy.ssl": "127.0.0.1",
  "network.proxy.ssl_port": 9,
  "network.proxy.no_proxies_on": "127.0.0.1",
  // Off unless asked for, as in tests/browser: a service worker would only precache the whole
  // site in the background. The offline scenario asks for it, in a browser of its own.
  "dom.serviceWorkers.enabled": options.serviceWorkers === true,
  // Puppeteer turns this off; a reader's Firefox has it on, and file:// pages must behave
  // here as they do there (each file its own origin).
  "security.fileuri.strict_origin_policy": true,
};

let browser;
let page;
let errors = [];

async function newPage() {
  if (page) await page.close();
  errors = [];
  page = await browser.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error && error.message ? error.message : error)));
}

const OPS = {
  async open({ url, timeoutMs }) {
    await newPage();  // a fresh page per load: no state carried over from the last one
    await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
    return null;
  },
  async evaluate({ expression }) {
    return await page.evaluate(expression);
  },
  async waitUntil({ expression, timeoutMs }) {
    // Polled on a timer: requestAnimationFrame may not run for a page nobody sees.
    await page.waitForFunction(expression, { timeout: timeoutMs, polling: 100 });
    return null;
  },
  async press({ selector, key }) {
    // el.focus(), not page.focus(): Puppeteer's refuses SVG elements ("non-HTMLElement").
    await page.$eval(selector, (el) => el.focus());
    await page.keyboard.press(key);
    return null;
  },
  async hover({ selector }) {
    await page.hover(selector);
    return null;
  },
  async errors() {
    return errors;
  },
  async offline({ offline }) {
    // WebDriver BiDi's own offline emulation (emulation.setNetworkConditions) fails a page's
    // requests but leaves navigator.onLine true in service workers, so a worker that answers
    // only while the browser is offline (sw.js) never does: the page fails with
    // NS_ERROR_OFFLINE. Firefox's whole-browser switch, as "Work Offline" sets it, reaches
    // service workers too; it takes chrome privileges (--remote-allow-system-access).
    // Puppeteer's network.manage-offline-status=false keeps Firefox from switching it back.
    const tree = await browser.connection.send("browsingContext.getTree", { "moz:scope": "chrome" });
    const context = tree.result.contexts[0].context;
    const outcome = await browser.connection.send("script.evaluate", {
      expression: `Services.io.offline = ${offline === true}; Services.io.offline`,
      target: { context }, awaitPromise: false,
    });
    if (outcome.result.type !== "success" || outcome.result.result.value !== (offline === true)) {
      throw new Error(`could not set Services.io.offline: ${JSON.stringify(outcome.result)}`);
    }
    return null;
  },
  async close() {
    await browser.close();
    return null;
  },
};

async function main() {
  try {
    browser = await puppeteer.launch({
      browser: "firefox", executablePath, headless: true, extraPrefsFirefox: PREFS,
      // Lets the "offline" request run in Firefox's chrome (privileged) scope.
      args: ["--remote-allow-system-access"],
      // A first start makes a profile; on a busy machine that can take a while.
      timeout: 180_000,
    });
    await newPage();
  } catch (error) {
    send({ ready: false, error: String(error && error.stack ? error.stack : error) });
    process.exit(1);
  }
  send({ ready: true, version: await browser.version() });
  // One request at a time, in order: the Python side waits for each answer.
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const request = JSON.parse(line);
    try {
      send({ id: request.id, ok: true, value: await OPS[request.op](request) });
    } catch (error) {
      send({ id: request.id, ok: false, error: String(error && error.message ? error.message : error),
             timeout: error instanceof TimeoutError });
    }
    if (request.op === "close") break;
  }
  // stdin closed without "close" (the test process died): do not leave Firefox behind.
  if (browser.connected) await browser.close();
}

await main();
