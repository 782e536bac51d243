/*
 * Lectern default theme — site.js
 *
 * Three jobs. Give the headings of a page's Markdown their "#" links. Show the
 * print button of a lesson page. And when the portal is
 * opened from disk (file://, e.g. a USB stick), directory links such as "../../lessons/x/" do not open "index.html" by
 * themselves, so append it to every relative link and form target that ends
 * with "/" (query string and fragment are kept: "search/?grade=7" becomes
 * "search/index.html?grade=7").
 *
 * Plain ES5 for old in-app browsers: no let/const, no arrow functions, no modules.
 */
// A "#" link after each heading of a page's Markdown (shown on hover, for copying a section's
// address). Made here rather than written into every page: ten thousand lessons carried 7 MB
// of them, and a reader without script loses only the copy button.
(function () {
  "use strict";

  if (!document.querySelectorAll) return;
  function add() {
    var headings = document.querySelectorAll(".prose h1[id], .prose h2[id], .prose h3[id], .prose h4[id], .prose h5[id], .prose h6[id]");
    for (var i = 0; i < headings.length; i++) {
      var a = document.createElement("a");
      a.className = "anchor";
      a.setAttribute("href", "#" + headings[i].id);
      a.setAttribute("aria-hidden", "true");
      a.setAttribute("tabindex", "-1");
      a.appendChild(document.createTextNode("#"));
      headings[i].appendChild(a);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", add);
  } else {
    add();
  }
})();

// A lesson page's 打印 button: hidden in the page, shown only where script can print.
(function () {
  "use strict";

  if (!document.querySelectorAll || typeof window.print !== "function") {
    return;
  }
  function show() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () {
        window.print();
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", show);
  } else {
    show();
  }
})();

(function () {
  "use strict";

  if (!window.location || window.location.protocol !== "file:") {
    return;
  }

  // Anything with a scheme, protocol-relative or root-relative, or only a fragment/query.
  var NOT_RELATIVE = /^(?:[a-zA-Z][a-zA-Z0-9+.\-]*:|\/|#|\?)/;

  function fixUrl(url) {
    if (url === null || url === undefined) {
      return null;
    }
    var value = String(url).replace(/^\s+|\s+$/g, "");
    if (value === "" || NOT_RELATIVE.test(value)) {
      return null;
    }
    var cut = value.search(/[?#]/);
    var path = cut < 0 ? value : value.slice(0, cut);
    var rest = cut < 0 ? "" : value.slice(cut);
    if (path === "." || path === "..") {
      path += "/";
    }
    if (path.charAt(path.length - 1) !== "/") {
      return null;
    }
    return path + "index.html" + rest;
  }

  function fixAttribute(el, name) {
    if (!el.hasAttribute(name)) {
      return;
    }
    var fixed = fixUrl(el.getAttribute(name));
    if (fixed !== null) {
      el.setAttribute(name, fixed);
    }
  }

  function fixAll() {
    var links = document.getElementsByTagName("a");
    var forms = document.getElementsByTagName("form");
    var i;
    for (i = 0; i < links.length; i++) {
      fixAttribute(links[i], "href");
    }
    for (i = 0; i < forms.length; i++) {
      fixAttribute(forms[i], "action");
    }
  }

  function closest(node, tagName) {
    while (node) {
      if (node.nodeType === 1 && node.nodeName.toLowerCase() === tagName) {
        return node;
      }
      node = node.parentNode;
    }
    return null;
  }

  // Links and forms added later (for example search results) are fixed
  // just before they are followed or submitted.
  function onPointer(event) {
    var link = closest(event.target, "a");
    if (link) {
      fixAttribute(link, "href");
    }
  }

  function onSubmit(event) {
    var form = closest(event.target, "form");
    if (form) {
      fixAttribute(form, "action");
    }
  }

  document.addEventListener("mousedown", onPointer, true);
  document.addEventListener("click", onPointer, true);
  document.addEventListener("submit", onSubmit, true);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fixAll, false);
  } else {
    fixAll();
  }
})();
