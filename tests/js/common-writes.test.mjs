// Unit tests of the DOM writes every widget shares (kdsite/static/widgets/common.js): a value
// already shown is not written again (issue 15: a write of the same value still costs style,
// layout and paint), and a new value always is. Run: node --test tests/js/
// (tests/unit/test_protocol_js.py runs them under pytest).
import assert from "node:assert/strict";
import { test } from "node:test";

import { place, setAttr, setLabel, setText } from "../../kdsite/static/widgets/common.js";

/** A stand-in for a DOM element that records every write (attributes as strings, as the DOM). */
function element(attributes = {}, text = "") {
  const writes = [];
  const attrs = new Map(Object.entries(attributes).map(([k, v]) => [k, String(v)]));
  let content = text;
  return {
    writes,
    getAttribute: (name) => (attrs.has(name) ? attrs.get(name) : null),
    setAttribute(name, value) {
      writes.push(name);
      attrs.set(name, String(value));
    },
    get textContent() {
      return content;
    },
    set textContent(value) {
      writes.push("text");
      content = String(value);
    },
  };
}

test("setAttr writes a new value and leaves the same one alone", () => {
  const el = element({ cx: "1.5" });
  setAttr(el, "cx", 1.5); // a number reads as its string
  setAttr(el, "cx", "1.5");
  assert.deepEqual(el.writes, []);
  setAttr(el, "cx", 2);
  setAttr(el, "cy", 0); // an attribute not there yet is written
  assert.deepEqual(el.writes, ["cx", "cy"]);
  assert.equal(el.getAttribute("cx"), "2");
  assert.equal(el.getAttribute("cy"), "0");
});

test("setText writes the text and data-value only where they changed", () => {
  const el = element({ "data-value": "0.5" }, "50%");
  setText(el, "50%", "0.5");
  assert.deepEqual(el.writes, []);
  setText(el, "50%", "0.5000001"); // the text rounds the same, the value does not
  assert.deepEqual(el.writes, ["data-value"]);
  setText(el, "51%", "0.51");
  assert.deepEqual(el.writes, ["data-value", "text", "data-value"]);
  assert.equal(el.textContent, "51%");
  assert.equal(el.getAttribute("data-value"), "0.51");
  setText(el, "52%"); // no value given: data-value stays
  assert.equal(el.getAttribute("data-value"), "0.51");
  setText(null, "x", "1"); // a missing element is skipped
});

test("setLabel and place write only what changed", () => {
  const label = element({ title: "cat" }, "cat");
  setLabel(label, "cat");
  assert.deepEqual(label.writes, []);
  setLabel(label, "dog");
  assert.deepEqual(label.writes, ["text", "title"]);

  const bar = element({ width: "0.25", x: "0.75" });
  place(bar, 0.25, true);
  assert.deepEqual(bar.writes, []);
  place(bar, 0.5, true);
  assert.deepEqual(bar.writes, ["width", "x"]);
  assert.equal(bar.getAttribute("x"), "0.5");
});
