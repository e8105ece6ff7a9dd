// The page's side of the worker protocol (protocol.js): request ids, the one table of
// unanswered requests, and per-widget channels that turn requests into promises. It knows
// nothing of the DOM or of workers: runtime.js gives it a way to post and feeds it answers,
// and supervisor.js sends its unanswered requests again to a new worker.

import { MSG, stateRequest, trainRequest } from "./protocol.js";

export const UNAVAILABLE = "the interactive version is unavailable";

/**
 * Return a client that posts requests with `post(request)`.
 *
 * client.channel({widget, config, run}, onError) opens one widget's channel:
 *   compute(controls) -> Promise<state>: coalesced; while one request is in flight only the
 *     latest controls wait, and every caller in between gets that newer state.
 *   train(controls, {epochs, restart}) -> Promise<state>: never coalesced; each call is one
 *     request, answered in order.
 *   close(error): reject everything the widget still waits for with `error`; later calls
 *     reject with UNAVAILABLE. A RequestError answer closes the channel with its message and
 *     then calls onError(message).
 * client.answer(msg) settles the request an Answer answers; returns false if nothing waited.
 * client.unanswered() -> the requests not answered yet, oldest first.
 */
export function createClient(post) {
  const waiting = new Map(); // request id -> {request, settle(answer)}: the only table of ids
  let nextId = 1;

  function send(makeRequest, settle) {
    const request = makeRequest(nextId++);
    waiting.set(request.id, { request, settle });
    post(request);
  }

  function channel({ widget, config, run }, onError) {
    let closed = null; // the Error it was closed with
    let inflight = null; // waiters of the StateRequest in flight
    let latest = null; // {controls, waiters}: sent once the one in flight is answered
    const training = new Set(); // waiters of unanswered TrainRequests

    function fail(answer) {
      if (closed) return; // its waiters were rejected already, with the first reason
      const message = answer.message || "the computation failed.";
      close(new Error(message));
      onError(message);
    }

    function sendState(controls, waiters) {
      inflight = waiters;
      send((id) => stateRequest(id, widget, config, controls), (answer) => {
        if (answer.type === MSG.ERROR) return fail(answer);
        inflight = null;
        if (latest && !closed) {
          const next = latest;
          latest = null;
          sendState(next.controls, next.waiters);
        }
        for (const waiter of waiters) waiter.resolve(answer.state);
      });
    }

    function close(error) {
      if (closed) return;
      closed = error;
      const waiters = [...(inflight || []), ...(latest ? latest.waiters : []), ...training];
      inflight = latest = null;
      training.clear();
      for (const waiter of waiters) waiter.reject(error);
    }

    return {
      compute(controls) {
        return new Promise((resolve, reject) => {
          if (closed) return reject(new Error(UNAVAILABLE));
          const waiter = { resolve, reject };
          if (!inflight) return sendState(controls, [waiter]);
          latest = { controls, waiters: latest ? [...latest.waiters, waiter] : [waiter] };
        });
      },
      train(controls, options) {
        return new Promise((resolve, reject) => {
          if (closed) return reject(new Error(UNAVAILABLE));
          const waiter = { resolve, reject };
          training.add(waiter);
          send((id) => trainRequest(id, widget, run, config, controls, options), (answer) => {
            training.delete(waiter);
            if (answer.type === MSG.ERROR) fail(answer);
            else resolve(answer.state);
          });
        });
      },
      close,
    };
  }

  return {
    channel,
    answer(msg) {
      const entry = waiting.get(msg.id);
      if (!entry) return false;
      waiting.delete(msg.id);
      entry.settle(msg);
      return true;
    },
    unanswered() {
      return Array.from(waiting.values(), (entry) => entry.request);
    },
  };
}
