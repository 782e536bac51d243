/* Lectern search, module 00: small helpers every other module uses.
 *
 * How the modules fit together (docs/THEME.md "The search script"): the build joins the files of
 * this folder in name order into one `static/search.js`, behind a generated first line
 * `var LecternSearch = { FORMAT_VERSION: …, KINDS: …, K1: …, … };` that holds the constants the
 * browser shares with the index writer. Each module is one ES5 function called with that
 * namespace: it reads what earlier modules put there and adds its own functions. No arrow
 * functions, let/const, classes, template literals or Promise: WeChat's in-app browser runs old
 * engines. Node tests load the same files (tests/js/search-modules.js).
 */
// lectern: also in suggest.js (the home page's suggestions need this module)
(function (LS) {
  "use strict";

  var HAVE_TYPED = typeof Float64Array !== "undefined" && typeof Int32Array !== "undefined";

  /** Zero-filled number arrays (typed where the engine has them). */
  function numbers(n) {
    return HAVE_TYPED ? new Float64Array(n) : plain(n);
  }

  function ints(n) {
    return HAVE_TYPED ? new Int32Array(n) : plain(n);
  }

  function plain(n) {
    var a = new Array(n), i;
    for (i = 0; i < n; i++) a[i] = 0;
    return a;
  }

  /** An array-like from untrusted JSON, or an empty list. */
  function list(x) {
    return x && typeof x.length === "number" && typeof x !== "string" ? x : [];
  }

  /** A string from untrusted JSON ("" for null and undefined). */
  function str(x) {
    return typeof x === "string" ? x : x == null ? "" : String(x);
  }

  function positive(x, fallback) {
    return +x > 0 && isFinite(+x) ? +x : fallback;
  }

  LS.numbers = numbers;
  LS.ints = ints;
  LS.plain = plain;
  LS.list = list;
  LS.str = str;
  LS.positive = positive;
})(LecternSearch);
