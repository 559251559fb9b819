/* stackgraph HTML view. Every string from the data is put on the page with textContent or drawn on the canvas;
   nothing from the data is ever parsed as HTML. */
(function () {
  "use strict";
  var timings = (window.sgTimings = { start: performance.now() });
  var DATA = JSON.parse(document.getElementById("sg-data").textContent);
  var META = DATA.meta;
  timings.parsed = performance.now();

  var nodes = new vis.DataSet(DATA.nodes);
  var edges = new vis.DataSet(DATA.edges);
  var loading = document.getElementById("sg-loading");
  if (META.physics) { loading.hidden = false; }
  var network = new vis.Network(document.getElementById("sg-network"), { nodes: nodes, edges: edges }, DATA.options);
  if (!META.physics) { fitPrecomputed(); }  // with physics, vis-network fits once stabilised
  timings.created = performance.now();
  window.network = network;
  window.sgNodes = nodes;
  window.sgEdges = edges;
  window.sgMeta = META;

  network.once("afterDrawing", function () {
    timings.firstDraw = performance.now();
    window.sgReady = true;
    setTimeout(function () { timings.idle = performance.now(); }, 0);  // the first moment input is handled
    document.body.setAttribute("data-ready", "1");
    if (META.focus !== null && META.focus !== undefined && nodes.get(META.focus)) {
      network.selectNodes([META.focus]);
    }
  });
  if (META.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      loading.hidden = true;
      timings.stabilized = performance.now();
    });
  }

  // ---- large views: tooltips and labels drawn by the page (vis-network builds label-less nodes much faster) --
  var hiddenNow = {};      // node id -> true while a filter hides it
  var hiddenEdgeNow = {};  // edge id -> true while a filter hides it
  if (META.lean) {
    var tip = document.createElement("div");
    tip.id = "sg-tip";
    tip.className = "sg-tip";
    tip.hidden = true;
    document.getElementById("sg-main").appendChild(tip);
    var showTip = function (item, pointer) {
      if (!item || !item.sg_tip) { return; }
      tip.textContent = item.sg_tip;
      tip.hidden = false;
      var main = document.getElementById("sg-main");
      tip.style.left = Math.max(0, Math.min(pointer.DOM.x + 14, main.clientWidth - tip.offsetWidth - 4)) + "px";
      tip.style.top = Math.max(0, Math.min(pointer.DOM.y + 14, main.clientHeight - tip.offsetHeight - 4)) + "px";
    };
    var hideTip = function () { tip.hidden = true; };
    network.on("hoverNode", function (params) { showTip(nodes.get(params.node), params.pointer); });
    network.on("hoverEdge", function (params) { showTip(edges.get(params.edge), params.pointer); });
    ["blurNode", "blurEdge", "dragStart", "zoom"].forEach(function (name) { network.on(name, hideTip); });

    var shortName = {};
    var radius = {};
    nodes.get({ fields: ["id", "sg_name", "size"] }).forEach(function (n) {
      var name = String(n.sg_name || "");
      shortName[n.id] = name.length > 40 ? name.slice(0, 39) + "\u2026" : name;
      radius[n.id] = n.size || 10;
    });
    var heads = { id: [], from: [], to: [], color: [] };  // arrow heads, drawn by the page when zoomed in
    edges.get({ fields: ["from", "to", "color", "sg_relation", "id"] }).forEach(function (e) {
      if (e.sg_relation === "partners_with") { return; }
      heads.id.push(e.id);
      heads.from.push(e.from);
      heads.to.push(e.to);
      heads.color.push(typeof e.color === "string" ? e.color : (e.color && e.color.color) || "#888888");
    });
    var LABEL_SCALE = 0.6;   // names appear from this zoom level on
    var ARROW_SCALE = 0.3;   // arrow heads from this one
    var MAX_LABELS = 1500;   // at most this many names per frame
    window.sgLabelsDrawn = 0;
    window.sgArrowsDrawn = 0;
    var drawHeads = function (ctx, where, centre, halfWidth, halfHeight) {
      var paths = {};
      var drawn = 0;
      for (var i = 0; i < heads.to.length; i++) {
        var t = where[heads.to[i]];
        var f = where[heads.from[i]];
        if (!t || !f || hiddenNow[heads.to[i]] || hiddenNow[heads.from[i]] || hiddenEdgeNow[heads.id[i]]) {
          continue;
        }
        if (Math.abs(t.x - centre.x) > halfWidth || Math.abs(t.y - centre.y) > halfHeight) { continue; }
        var dx = t.x - f.x;
        var dy = t.y - f.y;
        var length = Math.sqrt(dx * dx + dy * dy);
        if (length < 1) { continue; }
        dx /= length;
        dy /= length;
        var r = (radius[heads.to[i]] || 10) + 1;
        var tipX = t.x - dx * r;
        var tipY = t.y - dy * r;
        var path = paths[heads.color[i]] || (paths[heads.color[i]] = new Path2D());
        path.moveTo(tipX, tipY);
        path.lineTo(tipX - dx * 9 - dy * 4, tipY - dy * 9 + dx * 4);
        path.lineTo(tipX - dx * 9 + dy * 4, tipY - dy * 9 - dx * 4);
        path.closePath();
        drawn += 1;
      }
      for (var color in paths) {
        ctx.fillStyle = color;
        ctx.fill(paths[color]);
      }
      window.sgArrowsDrawn = drawn;
    };
    network.on("afterDrawing", function (ctx) {
      var scale = network.getScale();
      window.sgLabelsDrawn = 0;
      window.sgArrowsDrawn = 0;
      if (scale < ARROW_SCALE) { return; }
      var box = document.getElementById("sg-network");
      var centre = network.getViewPosition();
      var halfWidth = box.clientWidth / 2 / scale;
      var halfHeight = box.clientHeight / 2 / scale;
      var where = network.getPositions();
      drawHeads(ctx, where, centre, halfWidth, halfHeight);
      if (scale < LABEL_SCALE) { return; }
      var size = 12 / scale;
      ctx.save();
      ctx.font = size + "px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      ctx.lineWidth = 3 / scale;
      ctx.strokeStyle = "#ffffff";
      ctx.fillStyle = "#222222";
      var drawn = 0;
      for (var id in where) {
        if (drawn >= MAX_LABELS) { break; }
        var p = where[id];
        if (hiddenNow[id] || Math.abs(p.x - centre.x) > halfWidth || Math.abs(p.y - centre.y) > halfHeight) { continue; }
        var y = p.y + (radius[id] || 10) + 2 / scale;
        ctx.strokeText(shortName[id], p.x, y);
        ctx.fillText(shortName[id], p.x, y);
        drawn += 1;
      }
      ctx.restore();
      window.sgLabelsDrawn = drawn;
    });
  }

  // ---- view animations: one at a time ---------------------------------------------------------------------
  // vis-network finishes a running animation only once a frame has drawn it: a second animated move started
  // before that leaves the first one's redraw hook behind, and it pulls the view back on every later redraw
  // (a mouse move over a node). So a move asked for while one runs waits for it to arrive.
  var viewMoving = false;
  var viewMovingSince = 0;
  var nextViewMove = null;
  function moveView(move) {
    if (viewMoving && performance.now() - viewMovingSince < 3000) { nextViewMove = move; return; }
    viewMoving = true;
    viewMovingSince = performance.now();
    move();
  }
  network.on("animationFinished", function () {
    viewMoving = false;
    var next = nextViewMove;
    nextViewMove = null;
    if (next) { moveView(next); }
  });

  // Fit the precomputed positions into the view before the first frame (vis-network's fit() needs a drawn frame).
  function fitPrecomputed() {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    DATA.nodes.forEach(function (n) {
      if (typeof n.x !== "number" || typeof n.y !== "number") { return; }
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x);
      minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
    });
    if (minX === Infinity) { return; }
    var box = document.getElementById("sg-network");
    var scale = 0.95 * Math.min(box.clientWidth / (maxX - minX + 120), box.clientHeight / (maxY - minY + 120));
    network.moveTo({ position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale: Math.min(1, scale), animation: false });
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

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
    (filter.target === "nodes" ? nodeFilters : edgeFilters).push(filter);
    off[filter.field] = {};
    var box = el("fieldset");
    box.setAttribute("data-field", filter.field);
    box.appendChild(el("legend", null, filter.title));
    var buttons = el("div", "sg-filter-buttons");
    var all = el("button", null, "all");
    var none = el("button", null, "none");
    all.type = "button";
    none.type = "button";
    buttons.appendChild(all);
    buttons.appendChild(none);
    box.appendChild(buttons);
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
      box.appendChild(label);
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
    filterBox.appendChild(box);
  });

  function excluded(filters, item) {
    for (var i = 0; i < filters.length; i++) {
      var field = filters[i].field;
      var unticked = off[field];
      var value = item[field];
      var values = Array.isArray(value) ? value : [value];
      if (values.length && values.every(function (v) { return unticked[v] === true; })) { return true; }
    }
    return false;
  }

  function applyFilters() {
    var hiddenNode = {};
    var nodeUpdates = [];
    var shownNodes = 0;
    nodes.forEach(function (n) {
      var hide = excluded(nodeFilters, n);
      if (hide) { hiddenNode[n.id] = true; } else { shownNodes += 1; }
      if (Boolean(n.hidden) !== hide) { nodeUpdates.push({ id: n.id, hidden: hide }); }
    });
    var edgeUpdates = [];
    var hiddenEdge = {};
    var shownEdges = 0;
    edges.forEach(function (e) {
      var hide = hiddenNode[e.from] === true || hiddenNode[e.to] === true || excluded(edgeFilters, e);
      if (hide) { hiddenEdge[e.id] = true; } else { shownEdges += 1; }
      if (Boolean(e.hidden) !== hide) { edgeUpdates.push({ id: e.id, hidden: hide }); }
    });
    hiddenNow = hiddenNode;
    hiddenEdgeNow = hiddenEdge;
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    visible.textContent = "Showing " + shownNodes + " of " + nodes.length + " " + units[0] + " and " + shownEdges +
      " of " + edges.length + " " + units[1] + ".";
  }
  window.sgApplyFilters = applyFilters;
  visible.textContent = "Showing all " + nodes.length + " " + units[0] + " and " + edges.length + " " + units[1] + ".";

  // ---- search ---------------------------------------------------------------------------------------------
  var search = document.getElementById("sg-search");
  var searchStatus = document.getElementById("sg-search-status");
  var names = document.getElementById("sg-names");
  var namesListed = false;
  function listNames() {  // the suggestion list is built on first use, not at load time
    if (namesListed) { return; }
    namesListed = true;
    var seen = {};
    nodes.get({ fields: ["sg_name"] }).slice(0, 5000).forEach(function (n) {
      var name = String(n.sg_name || "");
      if (name && !seen[name]) {
        seen[name] = true;
        var option = document.createElement("option");
        option.value = name;
        names.appendChild(option);
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
    nodes.forEach(function (n) {
      if (n.hidden) { return; }
      var found = false;
      var texts = [n.sg_name].concat(n.sg_aliases || []);
      for (var i = 0; i < texts.length; i++) {
        var text = String(texts[i] || "").toLowerCase();
        if (text === query) { exact.push(n.id); found = true; break; }
      }
      if (!found) {
        for (var j = 0; j < texts.length; j++) {
          if (String(texts[j] || "").toLowerCase().indexOf(query) >= 0) { partial.push(n.id); break; }
        }
      }
    });
    var ids = exact.concat(partial);
    if (!ids.length) {
      network.unselectAll();
      searchStatus.textContent = "No visible entity matches \u201c" + search.value.trim() + "\u201d.";
      return;
    }
    network.selectNodes(ids, true);
    moveView(function () {
      network.focus(ids[0], { scale: Math.max(network.getScale(), 0.9), animation: { duration: 300 } });
    });
    searchStatus.textContent = ids.length === 1 ? "Found 1 entity." : "Found " + ids.length + " entities.";
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
    META.diff.sections.forEach(function (section) {
      panel.appendChild(el("h3", null, section.title));
      var table = el("table");
      var head = el("tr");
      ["", "before", "after"].forEach(function (h) { head.appendChild(el("th", null, h)); });
      table.appendChild(head);
      section.rows.forEach(function (row) {
        var tr = el("tr");
        var name = el("td", null, row.label);
        if (row.note) { name.appendChild(el("div", "sg-note", row.note)); }
        tr.appendChild(name);
        var b = el("td", "sg-num", row.before === null || row.before === undefined ? "–" : row.before);
        var a = el("td", "sg-num", row.after === null || row.after === undefined ? "–" : row.after);
        if (typeof row.before === "number" && typeof row.after === "number" && row.before !== row.after) {
          a.className += row.after > row.before ? " sg-up" : " sg-down";
        }
        tr.appendChild(b);
        tr.appendChild(a);
        table.appendChild(tr);
      });
      panel.appendChild(table);
    });
  }
  timings.wired = performance.now();
})();
