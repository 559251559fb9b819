/* stackgraph HTML view, 1/3: the graph's column tables, the vis-network instance and the view's camera.
   Every string from the data is put on the page with textContent or drawn on the canvas; nothing from the data
   is ever parsed as HTML. The page's API for tests and the console is window.sgView. */
(function () {
  "use strict";
  var timings = { start: performance.now() };
  window.sgTimings = timings;
  var DATA = JSON.parse(document.getElementById("sg-data").textContent);
  var META = DATA.meta;
  timings.parsed = performance.now();

  // ---- column tables: a column is a list, {values, codes} (code -1: no value), {lines, codes} (a text per row
  // as codes of its lines), {prefix, list} (strings sharing a prefix) or {rows} (node rows) ---------------------
  function Table(spec, nodeIds) {
    this.length = spec.length;
    this.spec = spec.columns;
    this.cache = {};
    this.nodeIds = nodeIds;
  }
  Table.prototype.keys = function () { return Object.keys(this.spec); };
  Table.prototype.rows = function (key) {  // a tie end column as node rows
    var spec = this.spec[key];
    return spec && spec.rows ? spec.rows : null;
  };
  Table.prototype.col = function (key) {  // the column's values, one per row (null where an item has none)
    if (Object.prototype.hasOwnProperty.call(this.cache, key)) { return this.cache[key]; }
    var spec = this.spec[key];
    var out = null;
    if (Array.isArray(spec)) {
      out = spec;
    } else if (spec && spec.rows) {
      var ids = this.nodeIds;
      out = spec.rows.map(function (row) { return ids[row]; });
    } else if (spec && spec.lines) {
      var lines = spec.lines;
      out = spec.codes.map(function (codes) {
        return codes === null ? null : codes.map(function (code) { return lines[code]; }).join("\n");
      });
    } else if (spec && spec.prefix !== undefined) {
      var prefix = spec.prefix;
      out = spec.list.map(function (rest) { return rest === null ? null : prefix + rest; });
    } else if (spec) {
      var values = spec.values;
      out = spec.codes.map(function (code) { return code < 0 ? null : values[code]; });
    }
    this.cache[key] = out;
    return out;
  };
  Table.prototype.at = function (key, row) {  // one value, without decoding the whole column (tooltips)
    var spec = this.spec[key];
    if (!spec || Object.prototype.hasOwnProperty.call(this.cache, key)) {
      var column = this.col(key);
      return column ? column[row] : null;
    }
    if (spec.lines) {
      var codes = spec.codes[row];
      return codes === null ? null : codes.map(function (code) { return spec.lines[code]; }).join("\n");
    }
    if (spec.prefix !== undefined) { return spec.list[row] === null ? null : spec.prefix + spec.list[row]; }
    return this.col(key)[row];
  };
  Table.prototype.record = function (row) {  // every value of one row, as an object
    var record = {};
    var table = this;
    this.keys().forEach(function (key) {
      var value = table.col(key)[row];
      if (value !== null && value !== undefined) { record[key] = value; }
    });
    return record;
  };
  // vis-network items of rows [from, to): every column but the page's own (sg_*) ones
  Table.prototype.visItems = function (from, to) {
    var keys = this.keys().filter(function (key) { return key.slice(0, 3) !== "sg_"; });
    var table = this;
    var cols = keys.map(function (key) { return table.col(key); });
    var items = new Array(to - from);
    for (var i = from; i < to; i++) {
      var item = {};
      for (var j = 0; j < keys.length; j++) {
        var value = cols[j][i];
        if (value !== null && value !== undefined) { item[keys[j]] = value; }
      }
      items[i - from] = item;
    }
    return items;
  };

  var nodes = new Table(DATA.nodes, null);
  var ids = nodes.col("id") || [];
  var edges = new Table(DATA.edges, ids);
  var rowOf = {};
  ids.forEach(function (id, row) { rowOf[id] = row; });
  // Rows [0, visRows) go to vis-network at load; in a lean view the page draws rows [visRows, firstDeferred)
  // itself and hands one to vis-network when it is clicked or found; the last rows (entities without ties) wait
  // behind a counter.
  var deferred = META.deferred || 0;
  var firstDeferred = nodes.length - deferred;
  var visRows = typeof META.vis_rows === "number" ? META.vis_rows : firstDeferred;
  var visNodes = new vis.DataSet(nodes.visItems(0, visRows));
  var visEdges = new vis.DataSet(META.lean ? [] : edges.visItems(0, edges.length));  // lean: the page draws ties
  var loading = document.getElementById("sg-loading");
  if (META.physics) { loading.hidden = false; }
  var container = document.getElementById("sg-network");
  var network = new vis.Network(container, { nodes: visNodes, edges: visEdges }, DATA.options);
  timings.created = performance.now();

  var listeners = {};
  var sg = {
    meta: META,
    network: network,
    nodes: nodes,
    edges: edges,
    rowOf: rowOf,
    visNodes: visNodes,
    visEdges: visEdges,
    hiddenNode: new Uint8Array(nodes.length),  // 1 while a filter hides the entity
    hiddenEdge: new Uint8Array(edges.length),  // 1 while a filter (or a hidden end) hides the tie
    inVis: new Uint8Array(nodes.length),  // 1 for the entities vis-network holds
    deferred: deferred,
    deferredShown: false,
    on: function (name, listener) { (listeners[name] = listeners[name] || []).push(listener); },
    emit: function (name) { (listeners[name] || []).forEach(function (listener) { listener(); }); },
    isDrawn: function (row) { return row < firstDeferred || sg.deferredShown; },
    records: function (name) {  // all rows of "nodes" or "edges" as objects (tests and the console)
      var table = name === "edges" ? edges : nodes;
      var out = [];
      for (var row = 0; row < table.length; row++) { out.push(table.record(row)); }
      return out;
    },
  };
  if (DATA.members) {  // an overview: what its nodes open into (assets/overview.js)
    sg.memberTable = new Table(DATA.members, null);
    sg.memberTieTable = new Table(DATA.member_ties, sg.memberTable.col("id") || []);
  }
  window.sgView = sg;
  window.network = network;

  for (var row = 0; row < visRows; row++) { sg.inVis[row] = 1; }

  // Hand rows the page draws to vis-network (to be selected, focused, dragged); a filter's hiding holds.
  sg.promote = function (rows) {
    var add = rows.filter(function (row) { return !sg.inVis[row] && sg.isDrawn(row); });
    if (!add.length) { return; }
    visNodes.add(add.map(function (row) {
      var item = nodes.visItems(row, row + 1)[0];
      if (sg.hiddenNode[row]) { item.hidden = true; }
      sg.inVis[row] = 1;
      return item;
    }));
    sg.emit("promoted");
  };

  // Entities without ties: drawn in rows under the graph when asked for (a search that finds one asks too).
  sg.showDeferred = function (show) {
    if (!deferred || show === sg.deferredShown) { return; }
    sg.deferredShown = show;
    var rows = [];
    for (var row = firstDeferred; row < nodes.length; row++) { rows.push(row); }
    if (show && !META.lean) {  // a lean view's page draws them
      sg.promote(rows);
    } else if (!show) {
      var gone = rows.filter(function (row) { return sg.inVis[row]; });
      gone.forEach(function (row) { sg.inVis[row] = 0; });
      visNodes.remove(gone.map(function (row) { return ids[row]; }));
    }
    network.redraw();
    sg.emit("deferred");
  };

  // ---- view animations: one at a time -----------------------------------------------------------------------
  // vis-network finishes a running animation only once a frame has drawn it: a second animated move started
  // before that leaves the first one's redraw hook behind, and it pulls the view back on every later redraw
  // (a mouse move over a node). So a move asked for while one runs waits for it to arrive.
  var viewMoving = false;
  var viewMovingSince = 0;
  var nextViewMove = null;
  sg.moveView = function (move) {
    if (viewMoving && performance.now() - viewMovingSince < 3000) { nextViewMove = move; return; }
    viewMoving = true;
    viewMovingSince = performance.now();
    move();
  };
  network.on("animationFinished", function () {
    viewMoving = false;
    var next = nextViewMove;
    nextViewMove = null;
    if (next) { sg.moveView(next); }
  });

  // Fit the precomputed positions into the view before the first frame (vis-network's fit() needs a drawn frame).
  function fitPrecomputed() {
    var xs = nodes.col("x") || [];
    var ys = nodes.col("y") || [];
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (var row = 0; row < firstDeferred; row++) {
      var x = xs[row], y = ys[row];
      if (typeof x !== "number" || typeof y !== "number") { continue; }
      if (x < minX) { minX = x; }
      if (x > maxX) { maxX = x; }
      if (y < minY) { minY = y; }
      if (y > maxY) { maxY = y; }
    }
    if (minX === Infinity) { return; }
    var scale = 0.95 * Math.min(container.clientWidth / (maxX - minX + 120), container.clientHeight / (maxY - minY + 120));
    network.moveTo({ position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale: Math.min(1, scale), animation: false });
  }
  if (!META.physics) { fitPrecomputed(); }  // with physics, vis-network fits once stabilised

  network.once("afterDrawing", function () {
    timings.firstDraw = performance.now();
    window.sgReady = true;
    setTimeout(function () { timings.idle = performance.now(); }, 0);  // the first moment input is handled
    document.body.setAttribute("data-ready", "1");
    if (META.focus !== null && META.focus !== undefined && visNodes.get(META.focus)) {
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
})();
