// What to check when Python cannot start; shown by runtime.js and worker.js alike.
export const HOW_TO_FIX =
  "Check that the server sends .wasm files as application/wasm, that WebAssembly is " +
  "allowed (Content-Security-Policy needs 'wasm-unsafe-eval'), and that the _kd/pyodide/ " +
  "files are present.";
