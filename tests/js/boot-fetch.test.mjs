// Unit tests of the worker's downloads (kdsite/static/boot-fetch.js): every file starts at once,
// an .xz answers a fetch of its original once decompressed and checked, and anything damaged is
// reported naming the file. Run: node --test tests/js/ (tests/unit/test_protocol_js.py runs it,
// with KDSITE_PYTHON set to the Python whose kdsite writes the .xz files, as the build does).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { test } from "node:test";

import { checkedUnxz, installBootFetch, sha256Hex, sriOfHex } from "../../kdsite/static/boot-fetch.js";

/** `bytes` as the build packs them (kdsite.pyodide.precompress.xz_bytes). */
function xz(bytes) {
  const program = "import sys; from kdsite.pyodide.precompress import xz_bytes; " +
    "sys.stdout.buffer.write(xz_bytes(sys.stdin.buffer.read()))";
  return new Uint8Array(execFileSync(process.env.KDSITE_PYTHON || "python3", ["-c", program], { input: bytes }));
}

const DIR = "https://example.test/site/_kd/pyodide/";
const WASM = new Uint8Array(200_000).map((_, i) => (i * 7) % 251);
const WHEEL = new TextEncoder().encode("a wheel ".repeat(1000));
const hex = (bytes) => createHash("sha256").update(bytes).digest("hex");
const MANIFEST = {
  files: [
    { name: "pyodide.asm.wasm", packed: "pyodide.asm.wasm.xz", sha256: hex(WASM) },
    { name: "numpy-2.whl", packed: "numpy-2.whl.xz", sha256: hex(WHEEL) },
  ],
};

/** A scope whose fetch serves `files` (URL -> bytes) and logs every URL it was asked for. */
function fakeScope(files) {
  const asked = [];
  const scope = {
    fetch: async (url) => {
      asked.push(String(url));
      const body = files[String(url)];
      return body ? new Response(body) : new Response("missing", { status: 404 });
    },
  };
  return { scope, asked };
}

const served = (overrides = {}) => ({
  [`${DIR}pyodide.asm.wasm.xz`]: xz(WASM),
  [`${DIR}numpy-2.whl.xz`]: xz(WHEEL),
  [`${DIR}pyodide-lock.json`]: '{"packages": {}}',
  ...overrides,
});

test("sha256Hex and sriOfHex agree with node:crypto", async () => {
  assert.equal(await sha256Hex(WHEEL), hex(WHEEL));
  assert.equal(sriOfHex(hex(WHEEL)), `sha256-${createHash("sha256").update(WHEEL).digest("base64")}`);
});

test("every download starts at once, before anyone asks", () => {
  const { scope, asked } = fakeScope(served());
  installBootFetch(scope, DIR, MANIFEST, [`${DIR}pyodide-lock.json`], () => {});
  assert.deepEqual(asked, [`${DIR}pyodide.asm.wasm.xz`, `${DIR}numpy-2.whl.xz`, `${DIR}pyodide-lock.json`]);
});

test("a fetch of an original gets its .xz decompressed, typed, and checked", async () => {
  const { scope, asked } = fakeScope(served());
  const damaged = [];
  installBootFetch(scope, DIR, MANIFEST, [`${DIR}pyodide-lock.json`], (m) => damaged.push(m));
  const wasm = await scope.fetch(`${DIR}pyodide.asm.wasm`, { credentials: "same-origin" });
  assert.equal(wasm.headers.get("Content-Type"), "application/wasm");
  assert.deepEqual(new Uint8Array(await wasm.arrayBuffer()), WASM);
  const wheel = await scope.fetch(`${DIR}numpy-2.whl`, { integrity: sriOfHex(hex(WHEEL)) });
  assert.deepEqual(new Uint8Array(await wheel.arrayBuffer()), WHEEL);
  // The lock, twice: one download, a copy for each caller.
  assert.equal(await (await scope.fetch(`${DIR}pyodide-lock.json`)).text(), '{"packages": {}}');
  assert.equal(await (await scope.fetch(`${DIR}pyodide-lock.json`)).text(), '{"packages": {}}');
  assert.equal(asked.length, 3);
  // Asked again (Pyodide retries a failed wasm compile): downloaded again.
  await (await scope.fetch(`${DIR}pyodide.asm.wasm`)).arrayBuffer();
  assert.equal(asked.length, 4);
  await scope.fetch(`${DIR}other.js`);
  assert.equal(asked.at(-1), `${DIR}other.js`);
  assert.deepEqual(damaged, []);
});

for (const [what, body, expected] of [
  ["not xz", new TextEncoder().encode("<html>404</html>"), /pyodide\.asm\.wasm\.xz is not valid xz/],
  ["another file", xz(WHEEL), /pyodide\.asm\.wasm\.xz failed its integrity check/],
]) {
  test(`an .xz that is ${what} fails its fetch and is reported by name`, async () => {
    const { scope } = fakeScope(served({ [`${DIR}pyodide.asm.wasm.xz`]: body }));
    const damaged = [];
    installBootFetch(scope, DIR, MANIFEST, [], (m) => damaged.push(m));
    const response = await scope.fetch(`${DIR}pyodide.asm.wasm`);
    await assert.rejects(response.arrayBuffer(), expected);
    assert.equal(damaged.length, 1);
    assert.match(damaged[0], expected);
    assert.match(damaged[0], /make site/);
  });
}

test("a missing .xz or an integrity the build did not make is reported by name", async () => {
  const { scope } = fakeScope(served({ [`${DIR}numpy-2.whl.xz`]: undefined }));
  const damaged = [];
  installBootFetch(scope, DIR, MANIFEST, [], (m) => damaged.push(m));
  await assert.rejects(scope.fetch(`${DIR}numpy-2.whl`), /numpy-2\.whl\.xz is missing \(HTTP 404\)/);
  await assert.rejects(scope.fetch(`${DIR}pyodide.asm.wasm`, { integrity: "sha256-AAAA" }),
    /pyodide\.asm\.wasm\.xz is not the file the site lock names/);
  assert.equal(damaged.length, 2);
});

test("checkedUnxz passes a stream through in chunks", async () => {
  const packed = xz(WASM);
  const source = new ReadableStream({
    start(controller) {
      for (let i = 0; i < packed.length; i += 1000) controller.enqueue(packed.subarray(i, i + 1000));
      controller.close();
    },
  });
  const out = new Uint8Array(await new Response(checkedUnxz(source, hex(WASM), "x", () => {})).arrayBuffer());
  assert.deepEqual(out, WASM);
});
