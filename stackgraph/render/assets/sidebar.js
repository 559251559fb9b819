/* stackgraph HTML view, 3/3: the sidebar. Title and statistics, notes, the counter of entities without ties,
   search, legend, filters and (diff views) the before/after panel. */
(function (sg) {
  "use strict";
  var network = sg.network;
  var META = sg.meta;
  var nodes = sg.nodes;
  var edges = sg.edges;
  var ids = nodes.col("id") || [];

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function count(n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); }

  function lineSample(color, dashes, width) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "10");
    svg.setAttribute("class", "sg-line");
    var line = document.createElementNS(ns, "line");
    line.setAttribute("x1", "1");
    line.setAttribute("y1", "5");
    line.setAttribute("x2", "27");
    line.setAttribute("y2", "5");
    line.style.stroke = color || "#888";
    line.style.strokeWidth = String(width || 2);
    if (dashes) { line.style.strokeDasharray = "5,3"; }
    svg.appendChild(line);
    return svg;
  }

  function marker(item) {
    if (item.line) { return lineSample(item.line.color, item.line.dashes, item.line.width); }
    if (item.symbol) {
      var s = el("span", "sg-symbol", item.symbol);
      s.style.color = item.color || "#666";
      return s;
    }
    var sw = el("span", "sg-swatch");
    sw.style.background = item.color || "#ccc";
    if (item.border) { sw.style.borderColor = item.border; sw.style.borderWidth = "2px"; }
    return sw;
  }

  // ---- header ---------------------------------------------------------------------------------------------
  document.getElementById("sg-stats").textContent = META.stats || "";
  var notes = document.getElementById("sg-notes");
  (META.notes || []).forEach(function (note) { notes.appendChild(el("li", null, note)); });

  // ---- entities without ties, hidden behind a counter -----------------------------------------------------
  var deferredBox = document.getElementById("sg-deferred");
  if (sg.deferred) {
    var deferredText = el("span");
    var deferredButton = el("button");
    deferredButton.type = "button";
    deferredBox.appendChild(deferredText);
    deferredBox.appendChild(deferredButton);
    deferredBox.hidden = false;
    var describeDeferred = function () {
      var what = count(sg.deferred, "entity", "entities") + " without ties";
      deferredText.textContent = sg.deferredShown ? what + " shown under the graph. " : what + " hidden. ";
      deferredButton.textContent = sg.deferredShown ? "Hide them" : "Show them";
    };
    deferredButton.addEventListener("click", function () { sg.showDeferred(!sg.deferredShown); });
    sg.on("deferred", describeDeferred);
    describeDeferred();
  }

  // ---- legend ---------------------------------------------------------------------------------------------
  var legendBox = document.getElementById("sg-legend");
  (META.legend || []).forEach(function (section) {
    legendBox.appendChild(el("h3", null, section.title));
    section.items.forEach(function (item) {
      var row = el("div", "sg-legend-item");
      row.appendChild(marker(item));
      row.appendChild(el("span", null, item.label));
      legendBox.appendChild(row);
    });
  });

  // ---- filters --------------------------------------------------------------------------------------------
  var off = {};  // field -> {key: true} of unticked values
  var filterBox = document.getElementById("sg-filters");
  var visible = document.getElementById("sg-visible");
  var units = META.units || ["entities", "ties"];
  var nodeFilters = [];
  var edgeFilters = [];
  (META.filters || []).forEach(function (filter) {
    var column = (filter.target === "nodes" ? nodes : edges).col(filter.field) || [];
    (filter.target === "nodes" ? nodeFilters : edgeFilters).push({ field: filter.field, values: column });
    off[filter.field] = {};
    var fieldset = el("fieldset");
    fieldset.setAttribute("data-field", filter.field);
    fieldset.appendChild(el("legend", null, filter.title));
    var buttons = el("div", "sg-filter-buttons");
    var all = el("button", null, "all");
    var none = el("button", null, "none");
    all.type = "button";
    none.type = "button";
    buttons.appendChild(all);
    buttons.appendChild(none);
    fieldset.appendChild(buttons);
    var inputs = [];
    filter.items.forEach(function (item) {
      var label = el("label", "sg-filter-item");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.checked = true;
      input.value = item.key;
      input.setAttribute("data-key", item.key);
      input.addEventListener("change", function () {
        if (input.checked) { delete off[filter.field][item.key]; } else { off[filter.field][item.key] = true; }
        applyFilters();
      });
      inputs.push(input);
      label.appendChild(input);
      label.appendChild(marker(item));
      label.appendChild(el("span", null, item.label));
      label.appendChild(el("span", "sg-count", item.count));
      fieldset.appendChild(label);
    });
    function setAll(checked) {
      inputs.forEach(function (input) {
        input.checked = checked;
        if (checked) { delete off[filter.field][input.value]; } else { off[filter.field][input.value] = true; }
      });
      applyFilters();
    }
    all.addEventListener("click", function () { setAll(true); });
    none.addEventListener("click", function () { setAll(false); });
    filterBox.appendChild(fieldset);
  });

  // An item is filtered out when every one of its values for a field is unticked (a tie with several kinds of
  // evidence stays while one of them is ticked); items without a value for the field are never filtered out.
  function filteredOut(filters, valueOf) {
    for (var i = 0; i < filters.length; i++) {
      var unticked = off[filters[i].field];
      var value = valueOf(filters[i]);
      if (value === null || value === undefined) { continue; }
      var values = Array.isArray(value) ? value : [value];
      if (values.length && values.every(function (v) { return unticked[v] === true; })) { return true; }
    }
    return false;
  }
  function excluded(filters, row) {
    return filteredOut(filters, function (filter) { return filter.values[row]; });
  }
  sg.filteredOut = function (target, get) {  // for items outside the tables (an overview's members)
    return filteredOut(target === "nodes" ? nodeFilters : edgeFilters, function (filter) { return get(filter.field); });
  };

  function applyFilters() {
    var from = edges.rows("from") || [];
    var to = edges.rows("to") || [];
    var edgeIds = edges.col("id") || [];
    var nodeUpdates = [];
    var edgeUpdates = [];
    var shownNodes = 0;
    var shownEdges = 0;
    for (var row = 0; row < nodes.length; row++) {
      var hide = excluded(nodeFilters, row) ? 1 : 0;
      if (!hide) { shownNodes += 1; }
      if (hide !== sg.hiddenNode[row] && sg.inVis[row]) { nodeUpdates.push({ id: ids[row], hidden: !!hide }); }
      sg.hiddenNode[row] = hide;
    }
    for (var j = 0; j < edges.length; j++) {
      var hideEdge = sg.hiddenNode[from[j]] || sg.hiddenNode[to[j]] || excluded(edgeFilters, j) ? 1 : 0;
      if (!hideEdge) { shownEdges += 1; }
      if (hideEdge !== sg.hiddenEdge[j] && !META.lean) { edgeUpdates.push({ id: edgeIds[j], hidden: !!hideEdge }); }
      sg.hiddenEdge[j] = hideEdge;
    }
    if (nodeUpdates.length) { sg.visNodes.update(nodeUpdates); }
    if (edgeUpdates.length) { sg.visEdges.update(edgeUpdates); }
    if (!nodeUpdates.length && !edgeUpdates.length) { network.redraw(); }  // page-drawn ties and names
    visible.textContent = "Showing " + shownNodes + " of " + nodes.length + " " + units[0] + " and " + shownEdges +
      " of " + edges.length + " " + units[1] + ".";
    sg.emit("filters");
  }
  window.sgApplyFilters = applyFilters;
  visible.textContent = "Showing all " + nodes.length + " " + units[0] + " and " + edges.length + " " + units[1] + ".";

  // ---- search ---------------------------------------------------------------------------------------------
  var search = document.getElementById("sg-search");
  var searchStatus = document.getElementById("sg-search-status");
  var suggestions = document.getElementById("sg-names");
  var entityNames = nodes.col("sg_name") || ids;
  var aliases = nodes.col("sg_aliases") || [];
  var suggested = false;
  function listNames() {  // the suggestion list is built on first use, not at load time
    if (suggested) { return; }
    suggested = true;
    var seen = {};
    entityNames.slice(0, 5000).forEach(function (name) {
      name = String(name || "");
      if (name && !seen[name]) {
        seen[name] = true;
        var option = document.createElement("option");
        option.value = name;
        suggestions.appendChild(option);
      }
    });
  }
  search.addEventListener("focus", listNames);

  function find() {
    var query = search.value.trim().toLowerCase();
    if (!query) {
      network.unselectAll();
      searchStatus.textContent = "";
      return;
    }
    var exact = [];
    var partial = [];
    for (var row = 0; row < nodes.length; row++) {
      if (sg.hiddenNode[row]) { continue; }
      var texts = [entityNames[row]].concat(aliases[row] || []);
      var lower = texts.map(function (t) { return String(t || "").toLowerCase(); });
      if (lower.indexOf(query) >= 0) {
        exact.push(row);
      } else if (lower.some(function (t) { return t.indexOf(query) >= 0; })) {
        partial.push(row);
      }
    }
    var rows = exact.concat(partial);
    var more = sg.findMembers ? sg.findMembers(query) : [];  // an overview's members (their nodes open)
    if (!rows.length && !more.length) {
      network.unselectAll();
      searchStatus.textContent = "No visible entity matches \u201c" + search.value.trim() + "\u201d.";
      return;
    }
    var revealed = !sg.deferredShown && rows.some(function (row) { return !sg.isDrawn(row); });
    if (revealed) { sg.showDeferred(true); }
    rows = rows.slice(0, 500);  // selected (and handed to vis-network); the count says how many were found
    sg.promote(rows);
    var found = rows.map(function (row) { return ids[row]; }).concat(more);
    network.selectNodes(found, true);
    sg.moveView(function () {
      network.focus(found[0], { scale: Math.max(network.getScale(), 0.9), animation: { duration: 300 } });
    });
    var total = exact.length + partial.length + more.length;
    searchStatus.textContent = (total === 1 ? "Found 1 entity." : "Found " + total + " entities.") +
      (total > found.length ? " The first " + found.length + " are selected." : "") +
      (revealed ? " Entities without ties are now shown." : "");
  }
  window.sgFind = function (text) { search.value = text; find(); return network.getSelectedNodes(); };
  // One search per Enter or click: the form's submit event (the input's change event would be a second one).
  document.getElementById("sg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    find();
  });
  search.addEventListener("input", function (event) {  // a name picked from the suggestions
    if (event.inputType === "insertReplacementText") { find(); }
  });

  // ---- diff panel -----------------------------------------------------------------------------------------
  if (META.diff) {
    var panel = document.getElementById("sg-diff");
    panel.hidden = false;
    panel.appendChild(el("h2", null, "Before / after"));
    panel.appendChild(el("h3", null, META.diff.title));
    if (META.diff.description) { panel.appendChild(el("p", null, META.diff.description)); }
    if (META.diff.steps && META.diff.steps.length) {
      var steps = el("ol");
      META.diff.steps.forEach(function (s) { steps.appendChild(el("li", null, s)); });
      panel.appendChild(steps);
    }
    // the sections of the report model (stackgraph.scenarios.sections): the text report reads the same
    META.diff.sections.forEach(function (section) {
      panel.appendChild(el("h3", null, section.title));
      if (section.changed === false) {
        panel.appendChild(el("p", "sg-note", (section.notes && section.notes[0]) || "unchanged"));
        return;
      }
      (section.notes || []).forEach(function (note) { panel.appendChild(el("p", "sg-note", note)); });
      if (!section.rows.length) { return; }
      var table = el("table");
      var head = el("tr");
      section.headers.forEach(function (h) { head.appendChild(el("th", null, h)); });
      table.appendChild(head);
      section.rows.forEach(function (row) {
        var tr = el("tr");
        row.forEach(function (cell) {
          var td = el("td", null, cell.text);
          if (cell.tone === "good") { td.className = "sg-up"; }
          if (cell.tone === "bad") { td.className = "sg-down"; }
          tr.appendChild(td);
        });
        table.appendChild(tr);
      });
      panel.appendChild(table);
    });
  }
  sg.timings = window.sgTimings;
  window.sgTimings.wired = performance.now();
})(window.sgView);
