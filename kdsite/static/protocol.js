// The page <-> Python worker protocol, defined once. The page (client.js for runtime.js, through
// supervisor.js) sends requests; the worker (worker.js) answers each request once and reports
// on itself. Every message is built by one function below, so its fields are written once.
// Plain data only: messages are structured-cloned between threads.

/** Every message type. "state" is both a request (page -> worker) and its answer. */
export const MSG = Object.freeze({
  STATE: "state",
  TRAIN: "train",
  PROGRESS: "progress",
  READY: "ready",
  EPOCH: "epoch",
  ERROR: "error",
  CRASHED: "crashed",
});

/**
 * The Python functions the worker calls, in module `PYTHON.module`: JSON text in, JSON text out.
 * Name -> parameters as Python declares them (tests/unit/test_protocol_js.py checks both).
 * A Python exception fails the one request; a Pyodide fatal error crashes the worker.
 */
export const PYTHON = Object.freeze({
  module: "kdsite.core.states",
  functions: Object.freeze({
    // StateRequest -> the widget's state
    compute_state_json: Object.freeze(["widget", "config_json", "controls_json"]),
    // TrainRequest -> the training run's state after `epochs` more epochs
    train_json: Object.freeze(["run_id", "config_json", "controls_json", "epochs", "restart"]),
  }),
});

// ---- page -> worker: requests. `id` is unique per page; the worker answers it exactly once
// (StateAnswer, EpochAnswer or RequestError), unless it dies first: then the page sends the
// request again to the next worker.

/**
 * @typedef {object} StateRequest  compute one widget's state
 * @property {"state"} type
 * @property {number} id
 * @property {string} widget    widget name (data-kd-widget)
 * @property {object} config    its validated parameters (data-kd-config)
 * @property {object} controls  the current control values
 */

/**
 * @typedef {object} TrainRequest  advance a training run kept in Python between requests
 * @property {"train"} type
 * @property {number} id
 * @property {string} widget
 * @property {string} run       names the run (the widget's element id, else its name)
 * @property {object} config
 * @property {object} controls
 * @property {number} epochs    how many more epochs: a whole number >= 0
 * @property {boolean} restart  start the run again from epoch 0 first
 */

/** @typedef {StateRequest | TrainRequest} Request */

/** @returns {StateRequest} */
export function stateRequest(id, widget, config, controls) {
  return { type: MSG.STATE, id, widget, config, controls };
}

/** `options`: {epochs, restart} as a widget passes them to api.train. @returns {TrainRequest} */
export function trainRequest(id, widget, run, config, controls, options = {}) {
  const epochs = Math.max(0, Math.floor(Number(options.epochs) || 0));
  return { type: MSG.TRAIN, id, widget, run, config, controls, epochs, restart: Boolean(options.restart) };
}

/** True for a message the worker answers. */
export function isRequest(msg) {
  return msg.type === MSG.STATE || msg.type === MSG.TRAIN;
}

// ---- worker -> page.

/**
 * @typedef {object} Progress  Python is starting; sent before Ready
 * @property {"progress"} type
 * @property {"python" | "packages" | "check"} stage  in this order (bench/probe.js times them)
 * @property {string} text     what it is doing, for the widgets' status line
 *
 * @typedef {object} Ready  Python is ready; requests sent earlier were queued and are answered now
 * @property {"ready"} type
 * @property {string} version  kdsite's version
 *
 * @typedef {object} StateAnswer  answers a StateRequest
 * @property {"state"} type
 * @property {number} id
 * @property {string} widget
 * @property {object} state    what PYTHON's compute_state_json returned, parsed
 *
 * @typedef {object} EpochAnswer  answers a TrainRequest
 * @property {"epoch"} type
 * @property {number} id
 * @property {string} run
 * @property {object} state    what PYTHON's train_json returned, parsed
 *
 * @typedef {object} RequestError  answers a request whose Python raised; only its widget fails
 * @property {"error"} type
 * @property {number} id
 * @property {string} widget
 * @property {string} message  the exception's last line
 *
 * @typedef {object} FatalError  Python cannot start; a new worker would not either
 * @property {"error"} type
 * @property {true} fatal
 * @property {string} message
 *
 * @typedef {object} Crashed  Pyodide died (a fatal error); the worker closed itself: replace it
 * @property {"crashed"} type
 * @property {string} message
 *
 * @typedef {StateAnswer | EpochAnswer | RequestError} Answer
 */

/** @returns {Progress} */
export const progress = (stage, text) => ({ type: MSG.PROGRESS, stage, text });
/** @returns {Ready} */
export const ready = (version) => ({ type: MSG.READY, version });
/** @param {StateRequest} request @returns {StateAnswer} */
export const stateAnswer = (request, state) => ({ type: MSG.STATE, id: request.id, widget: request.widget, state });
/** @param {TrainRequest} request @returns {EpochAnswer} */
export const epochAnswer = (request, state) => ({ type: MSG.EPOCH, id: request.id, run: request.run, state });
/** @param {Request} request @returns {RequestError} */
export const requestError = (request, message) => ({ type: MSG.ERROR, id: request.id, widget: request.widget, message });
/** @returns {FatalError} */
export const fatalError = (message) => ({ type: MSG.ERROR, fatal: true, message });
/** @returns {Crashed} */
export const crashed = (message) => ({ type: MSG.CRASHED, message });

/** True for an Answer (the supervisor matches it to its request by `id`). */
export function isAnswer(msg) {
  return msg.type === MSG.STATE || msg.type === MSG.EPOCH || (msg.type === MSG.ERROR && !msg.fatal);
}
