// Runs the boot script (themes/default/static/search-boot.js, or a built copy) in a bare context
// with a fake XMLHttpRequest, as the page would on an http(s) address. Shared by the JS unit
// tests (tests/js/boot.test.js) and the relevance suite (tests/e2e/relevance.test.mjs).
"use strict";
const vm = require("node:vm");

/**
 * Runs `source` for the address query `search` (`?q=…&…`). `answer(url)` gives the response of a
 * request as a string, or null to leave it unanswered (a request still in flight). Resolves to
 * every URL the script asked for, in order, once the answers have been handled. `page`, if given,
 * is the document: { readyState, elements: { id: fake element }, listeners: [] (filled) }.
 */
async function runBoot(source, search, answer, page) {
  const urls = [];
  function XMLHttpRequest() {}
  XMLHttpRequest.prototype.open = function (method, url) {
    this.url = url;
  };
  XMLHttpRequest.prototype.send = function () {
    urls.push(this.url);
    const text = answer(this.url);
    if (text === null) return;
    // Answered later, as a network would.
    setImmediate(() => {
      this.readyState = 4;
      this.status = text === undefined ? 404 : 200;
      this.responseText = text === undefined ? "" : text;
      this.onreadystatechange();
    });
  };
  const window = { location: { protocol: "https:", search } };
  const doc = page || { readyState: "complete", elements: {} };
  doc.listeners = doc.listeners || [];
  const document = {
    currentScript: { getAttribute: () => "../search/manifest.json" },
    get readyState() {
      return doc.readyState;
    },
    getElementById: (id) => doc.elements[id] || null,
    addEventListener: (type, fn) => doc.listeners.push({ type, fn }),
    removeEventListener: (type, fn) => (doc.listeners = doc.listeners.filter((l) => l.fn !== fn)),
  };
  vm.runInNewContext(source, { window, document, XMLHttpRequest, JSON, Math, decodeURIComponent });
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return urls;
}

module.exports = { runBoot };
