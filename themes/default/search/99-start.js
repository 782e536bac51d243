/* Lectern search, module 99: starts the search page once the document is ready (nothing
 * happens without a document, as in Node tests). */
(function (LS) {
  "use strict";

  var Page = LS.Page;

  function start() {
    var app = document.getElementById("search-app");
    if (!app || !document.getElementById("results") || app.getAttribute("data-started")) return;
    app.setAttribute("data-started", "1");
    try {
      new Page(app);
    } catch (e) {
      var s = document.getElementById("search-status");
      if (s) s.textContent = app.getAttribute("data-str-search-error") || "";
    }
  }

  if (typeof document === "undefined") return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

})(LecternSearch);
