/* Lectern search, module 91: the search page's facet filters — checkboxes with live counts. */
(function (LS) {
  "use strict";

  var Page = LS.Page, FACETS = LS.FACETS, tally = LS.tally, emptySelection = LS.emptySelection;
  var valueKey = LS.valueKey, el = LS.el, clear = LS.clear, show = LS.show;

  Page.prototype.buildFilters = function () {
    var self = this, M = this.M, all = this.allDocs(), T = tally(all, emptySelection(M), M, this.cols);
    var f, i, order, box;
    if (!this.filters) return;
    clear(this.filters);
    this.totals = T.counts;
    for (f = 0; f < FACETS.length; f++) {
      var facet = FACETS[f], items = this.items(facet), counts = T.counts[facet];
      order = [];
      for (i = 0; i < items.length; i++) {
        if (counts[i] > 0 || this.sel[facet].indexOf(i) >= 0) order.push(i);
      }
      if (facet === "topic") {
        order.sort(function (a, b) {
          return counts[b] - counts[a] || a - b;
        });
      }
      this.boxes[facet] = [];
      if (!order.length) continue;
      var fs = el("fieldset", "facet facet--" + facet);
      fs.appendChild(el("legend", null, this.str[facet]));
      var ul = el("ul", "facet-values"), rest = null;
      fs.appendChild(ul);
      for (i = 0; i < order.length; i++) {
        if (facet === "topic" && i === 20) {
          rest = el("ul", "facet-values facet-values--more");
          rest.id = "facet-topic-more";
          show(rest, false);
          fs.appendChild(rest);
        }
        box = this.checkbox(facet, order[i], items[order[i]].name);
        (rest || ul).appendChild(box.li);
        if (rest) box.hidden = true;
      }
      if (rest) {
        var toggle = el("button", "facet-toggle", this.str.moreTopics);
        toggle.setAttribute("type", "button");
        toggle.setAttribute("aria-expanded", "false");
        toggle.setAttribute("aria-controls", "facet-topic-more");
        toggle.addEventListener("click", function () {
          self.toggleTopics(!self.topicsOpen);
        });
        fs.appendChild(toggle);
        this.topicRest = rest;
        this.topicToggle = toggle;
      }
      this.filters.appendChild(fs);
    }
    this.syncBoxes();
  };

  Page.prototype.toggleTopics = function (open) {
    if (!this.topicToggle) return;
    this.topicsOpen = open;
    show(this.topicRest, open);
    this.topicToggle.setAttribute("aria-expanded", open ? "true" : "false");
    this.topicToggle.textContent = open ? this.str.fewerTopics : this.str.moreTopics;
  };

  Page.prototype.items = function (facet) {
    var M = this.M;
    return facet === "kind" ? M.kinds : facet === "stage" ? M.stages : facet === "grade" ? M.grades :
      facet === "course" ? M.courses : facet === "textbook" ? M.textbooks : M.topics;
  };

  Page.prototype.checkbox = function (facet, index, name) {
    var self = this, li = el("li", "facet-value"), label = el("label"), input = el("input");
    var count = el("span", "facet-count", "0");
    input.setAttribute("type", "checkbox");
    input.setAttribute("name", facet);
    input.setAttribute("value", valueKey(this.M, facet, index));
    input.addEventListener("change", function () {
      var list = self.sel[facet], at = list.indexOf(index);
      if (input.checked && at < 0) list.push(index);
      if (!input.checked && at >= 0) list.splice(at, 1);
      list.sort(function (a, b) {
        return a - b;
      });
      self.change(true);
    });
    label.appendChild(input);
    label.appendChild(el("span", "facet-name", name));
    label.appendChild(document.createTextNode(" "));
    label.appendChild(count);
    li.appendChild(label);
    var box = { index: index, input: input, count: count, li: li, hidden: false };
    this.boxes[facet].push(box);
    return box;
  };

  Page.prototype.syncBoxes = function () {
    var f, i, b, active = 0, hiddenChecked = false;
    for (f = 0; f < FACETS.length; f++) {
      var boxes = this.boxes[FACETS[f]] || [];
      for (i = 0; i < boxes.length; i++) {
        b = boxes[i];
        b.input.checked = this.sel[FACETS[f]].indexOf(b.index) >= 0;
        if (b.input.checked && b.hidden) hiddenChecked = true;
      }
      active += this.sel[FACETS[f]].length;
    }
    if (hiddenChecked) this.toggleTopics(true);
    if (this.filtersLabel) this.filtersLabel.textContent = this.str.filters + (active ? " (" + active + ")" : "");
  };

  Page.prototype.updateCounts = function (counts) {
    var f, i, b, c;
    this.syncBoxes();
    for (f = 0; f < FACETS.length; f++) {
      var boxes = this.boxes[FACETS[f]] || [];
      for (i = 0; i < boxes.length; i++) {
        b = boxes[i];
        c = counts[FACETS[f]][b.index] || 0;
        b.count.textContent = String(c);
        b.li.className = c > 0 || b.input.checked ? "facet-value" : "facet-value facet-value--empty";
      }
    }
    this.showChosen();
  };

  /**
   * On a phone each facet is a row that scrolls sideways: bring each row's first chosen value
   * into view (只看七年级 chose 七年级, which sat past the screen's edge). Nothing while the panel
   * is closed: it is called again when it opens.
   */
  Page.prototype.showChosen = function () {
    var f, i, b, row, at, box;
    for (f = 0; f < FACETS.length; f++) {
      var boxes = this.boxes[FACETS[f]] || [];
      for (i = 0; i < boxes.length; i++) {
        b = boxes[i];
        if (!b.input.checked) continue;
        row = b.li.parentNode;
        if (row && row.getBoundingClientRect && row.scrollWidth > row.clientWidth) {
          at = b.li.getBoundingClientRect();
          box = row.getBoundingClientRect();
          if (at.left < box.left || at.right > box.right) row.scrollLeft += at.left - box.left - 16;
        }
        break;
      }
    }
  };

})(LecternSearch);
