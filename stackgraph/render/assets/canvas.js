/* stackgraph HTML view, 2/3: what the page draws on vis-network's canvas itself and its own tooltips.
   - the names of the hubs (meta.hubs), at a readable size at every zoom, never on top of each other;
   - in lean views (vis-network gets the nodes only): the ties, their arrow heads and the names once zoomed in,
     a tie's tooltip when the pointer is on it, an entity's tooltip from sg_tip;
   - otherwise, above meta.edge_labels "hover": a tie's label while the pointer is on it. */
(function (sg) {
  "use strict";
  var network = sg.network;
  var META = sg.meta;
  var nodes = sg.nodes;
  var edges = sg.edges;
  var box = document.getElementById("sg-network");
  var ids = nodes.col("id") || [];
  var bodyNodes = network.body.nodes;  // vis-network's node objects by id: their x and y follow drags
  var LABEL_SCALE = 0.6;  // names of all entities from this zoom level on (lean views)
  var ARROW_SCALE = 0.3;  // arrow heads and tie tooltips from this one
  var MAX_LABELS = 1500;  // at most this many names per frame
  var MAX_ARROWS = 5000;  // and arrow heads
  window.sgLabelsDrawn = 0;
  window.sgArrowsDrawn = 0;
  window.sgTiesDrawn = 0;
  window.sgHubsDrawn = [];

  function short(name) {
    name = String(name === null || name === undefined ? "" : name);
    return name.length > 40 ? name.slice(0, 39) + "\u2026" : name;
  }
  var names = (nodes.col("sg_name") || ids).map(short);
  function radius(node) { return (node.options && node.options.size) || 10; }
  function visible(scale) {
    var centre = network.getViewPosition();
    var halfWidth = box.clientWidth / 2 / scale;
    var halfHeight = box.clientHeight / 2 / scale;
    return { left: centre.x - halfWidth, right: centre.x + halfWidth, top: centre.y - halfHeight,
      bottom: centre.y + halfHeight };
  }
  function inside(view, x, y) { return x >= view.left && x <= view.right && y >= view.top && y <= view.bottom; }

  // ---- the page's tooltip box (text only) -------------------------------------------------------------------
  var tip = document.createElement("div");
  tip.id = "sg-tip";
  tip.className = "sg-tip";
  tip.hidden = true;
  document.getElementById("sg-main").appendChild(tip);
  function showTip(text, dom) {
    if (!text) { return; }
    tip.textContent = text;
    tip.hidden = false;
    var main = document.getElementById("sg-main");
    tip.style.left = Math.max(0, Math.min(dom.x + 14, main.clientWidth - tip.offsetWidth - 4)) + "px";
    tip.style.top = Math.max(0, Math.min(dom.y + 14, main.clientHeight - tip.offsetHeight - 4)) + "px";
  }
  function hideTip() { tip.hidden = true; }
  sg.hideTip = hideTip;

  // ---- names of the hubs --------------------------------------------------------------------------------------
  var hubRows = (META.hubs || []).map(function (id) { return sg.rowOf[id]; }).filter(function (row) {
    return row !== undefined;
  });
  var isHub = new Uint8Array(nodes.length);
  hubRows.forEach(function (row) { isHub[row] = 1; });
  function drawHubNames(ctx, scale, view) {
    var size = Math.max(13, 13 / scale);  // canvas units: at least 13 px on screen
    var placed = [];
    var drawn = [];
    ctx.save();
    ctx.font = "600 " + size + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = size / 3.5;
    ctx.strokeStyle = "rgba(255,255,255,0.92)";
    ctx.fillStyle = "#111111";
    for (var k = 0; k < hubRows.length; k++) {  // highest first: a name that would cover a higher one waits
      var row = hubRows[k];
      var node = bodyNodes[ids[row]];
      if (!node || sg.hiddenNode[row] || !inside(view, node.x, node.y)) { continue; }
      var width = ctx.measureText(names[row]).width;
      var y = node.y + radius(node) + 2 / scale;
      var rect = { left: node.x - width / 2, right: node.x + width / 2, top: y, bottom: y + size * 1.15 };
      if (placed.some(function (r) {
        return r.left < rect.right && rect.left < r.right && r.top < rect.bottom && rect.top < r.bottom;
      })) { continue; }
      placed.push(rect);
      ctx.strokeText(names[row], node.x, y);
      ctx.fillText(names[row], node.x, y);
      drawn.push(names[row]);
    }
    ctx.restore();
    window.sgHubsDrawn = drawn;
  }

  if (!META.lean) {
    if (hubRows.length) {
      network.on("afterDrawing", function (ctx) {
        var scale = network.getScale();
        drawHubNames(ctx, scale, visible(scale));
      });
    }
    if (META.edge_labels === "hover") {  // many ties: a tie's label only while the pointer is on it
      var edgeLabels = edges.col("sg_label") || [];
      var edgeRow = {};
      (edges.col("id") || []).forEach(function (id, row) { edgeRow[id] = row; });
      network.on("hoverEdge", function (params) {
        var text = edgeLabels[edgeRow[params.edge]];
        if (text) { sg.visEdges.update({ id: params.edge, label: text }); }
      });
      network.on("blurEdge", function (params) {
        if (edgeLabels[edgeRow[params.edge]]) { sg.visEdges.update({ id: params.edge, label: " " }); }
      });
    }
    return;
  }

  // ---- lean views: the page draws the ties ---------------------------------------------------------------------
  var from = edges.rows("from") || [];
  var to = edges.rows("to") || [];
  var colors = edges.col("color") || [];
  var dashes = edges.col("dashes") || [];
  var widths = edges.col("width") || [];
  var relations = edges.col("sg_relation") || [];
  var styles = [];  // distinct (colour, dashes, width), one path each per frame
  var styleOf = new Int32Array(edges.length);
  var styleIndex = {};
  for (var j = 0; j < edges.length; j++) {
    var color = typeof colors[j] === "string" ? colors[j] : "#888888";
    var dash = Array.isArray(dashes[j]) ? dashes[j] : (dashes[j] === true ? [8, 5] : null);
    var width = typeof widths[j] === "number" ? widths[j] : 1;
    var key = color + "|" + (dash ? dash.join(",") : "") + "|" + width;
    if (styleIndex[key] === undefined) {
      styleIndex[key] = styles.length;
      styles.push({ color: color, dashes: dash, width: width });
    }
    styleOf[j] = styleIndex[key];
  }
  var drawOrder = styles.map(function (style, s) { return s; }).sort(function (a, b) {  // wide ones on top
    return styles[a].width - styles[b].width || a - b;
  });
  var hoveredTie = -1;

  function ends(j) {
    if (sg.hiddenEdge[j]) { return null; }
    var a = bodyNodes[ids[from[j]]];
    var b = bodyNodes[ids[to[j]]];
    return a && b ? [a, b] : null;
  }
  function stroke(ctx, path, style, scale, pixels, alpha) {
    ctx.strokeStyle = style.color;
    ctx.globalAlpha = style.width >= 3 ? 0.95 : alpha;  // a wide tie (added in a scenario) stands out at any zoom
    ctx.lineWidth = Math.max(style.width >= 3 ? 2.5 : pixels, Math.min(style.width * scale, 4)) / scale;
    ctx.setLineDash(style.dashes ? style.dashes.map(function (d) { return d / Math.max(scale, 0.5); }) : []);
    ctx.stroke(path);
  }
  network.on("beforeDrawing", function (ctx) {  // under the nodes
    var scale = network.getScale();
    var view = visible(scale);
    var paths = styles.map(function () { return null; });
    var marked = new Path2D();  // ties of the selected entities, drawn over the others
    var selected = {};
    network.getSelectedNodes().forEach(function (id) { selected[sg.rowOf[id]] = true; });
    var drawn = 0;
    for (var j = 0; j < from.length; j++) {
      var pair = ends(j);
      if (!pair) { continue; }
      var a = pair[0], b = pair[1];
      if (Math.max(a.x, b.x) < view.left || Math.min(a.x, b.x) > view.right ||
          Math.max(a.y, b.y) < view.top || Math.min(a.y, b.y) > view.bottom) { continue; }
      var path = paths[styleOf[j]] || (paths[styleOf[j]] = new Path2D());
      path.moveTo(a.x, a.y);
      path.lineTo(b.x, b.y);
      if (selected[from[j]] || selected[to[j]]) {
        marked.moveTo(a.x, a.y);
        marked.lineTo(b.x, b.y);
      }
      drawn += 1;
    }
    ctx.save();
    ctx.lineCap = "round";
    drawOrder.forEach(function (s) { if (paths[s]) { stroke(ctx, paths[s], styles[s], scale, 0.7, 0.55); } });
    stroke(ctx, marked, { color: "#222222", dashes: null, width: 2 }, scale, 1.6, 0.9);
    if (hoveredTie >= 0 && ends(hoveredTie)) {
      var pair2 = ends(hoveredTie);
      var one = new Path2D();
      one.moveTo(pair2[0].x, pair2[0].y);
      one.lineTo(pair2[1].x, pair2[1].y);
      stroke(ctx, one, styles[styleOf[hoveredTie]], scale, 3, 1);
    }
    ctx.restore();
    window.sgTiesDrawn = drawn;
  });

  function drawHeads(ctx, scale, view) {
    var paths = {};
    var drawn = 0;
    var taken = {};  // heads on the same few pixels (many ties into one hub) are drawn once
    for (var j = 0; j < from.length && drawn < MAX_ARROWS; j++) {
      if (relations[j] === "partners_with") { continue; }
      var pair = ends(j);
      if (!pair) { continue; }
      var f = pair[0], t = pair[1];
      if (!inside(view, t.x, t.y)) { continue; }
      var dx = t.x - f.x;
      var dy = t.y - f.y;
      var length = Math.sqrt(dx * dx + dy * dy);
      if (length < 1) { continue; }
      dx /= length;
      dy /= length;
      var r = radius(t) + 1;
      var tipX = t.x - dx * r;
      var tipY = t.y - dy * r;
      var color = styles[styleOf[j]].color;
      var cell = color + Math.round(tipX * scale / 3) + "," + Math.round(tipY * scale / 3);
      if (taken[cell]) { continue; }
      taken[cell] = true;
      var path = paths[color] || (paths[color] = new Path2D());
      path.moveTo(tipX, tipY);
      path.lineTo(tipX - dx * 9 - dy * 4, tipY - dy * 9 + dx * 4);
      path.lineTo(tipX - dx * 9 + dy * 4, tipY - dy * 9 - dx * 4);
      path.closePath();
      drawn += 1;
    }
    for (var c in paths) {
      ctx.fillStyle = c;
      ctx.fill(paths[c]);
    }
    window.sgArrowsDrawn = drawn;
  }
  function drawNames(ctx, scale, view) {
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
    for (var row = 0; row < ids.length && drawn < MAX_LABELS; row++) {
      if (isHub[row] || sg.hiddenNode[row]) { continue; }
      var node = bodyNodes[ids[row]];
      if (!node || !inside(view, node.x, node.y)) { continue; }
      var y = node.y + radius(node) + 2 / scale;
      ctx.strokeText(names[row], node.x, y);
      ctx.fillText(names[row], node.x, y);
      drawn += 1;
    }
    ctx.restore();
    window.sgLabelsDrawn = drawn;
  }
  network.on("afterDrawing", function (ctx) {
    var scale = network.getScale();
    var view = visible(scale);
    window.sgLabelsDrawn = 0;
    window.sgArrowsDrawn = 0;
    if (scale >= ARROW_SCALE) { drawHeads(ctx, scale, view); }
    if (scale >= LABEL_SCALE) { drawNames(ctx, scale, view); }
    drawHubNames(ctx, scale, view);
  });

  // ---- tooltips: entities from sg_tip, ties found under the pointer -------------------------------------------
  var onNode = false;
  network.on("hoverNode", function (params) {
    onNode = true;
    showTip(nodes.at("sg_tip", sg.rowOf[params.node]), params.pointer.DOM);
  });
  network.on("blurNode", function () { onNode = false; hideTip(); });
  ["dragStart", "zoom"].forEach(function (name) { network.on(name, hideTip); });

  function nearestTie(point, scale) {
    var best = -1;
    var bestDistance = 5 / scale;  // within 5 screen pixels
    for (var j = 0; j < from.length; j++) {
      var pair = ends(j);
      if (!pair) { continue; }
      var ax = pair[0].x, ay = pair[0].y, bx = pair[1].x, by = pair[1].y;
      if (point.x < Math.min(ax, bx) - bestDistance || point.x > Math.max(ax, bx) + bestDistance ||
          point.y < Math.min(ay, by) - bestDistance || point.y > Math.max(ay, by) + bestDistance) { continue; }
      var dx = bx - ax, dy = by - ay;
      var t = dx || dy ? ((point.x - ax) * dx + (point.y - ay) * dy) / (dx * dx + dy * dy) : 0;
      t = Math.max(0, Math.min(1, t));
      var distance = Math.hypot(point.x - (ax + t * dx), point.y - (ay + t * dy));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = j;
      }
    }
    return best;
  }
  var pointer = null;
  var pending = false;
  function checkTie() {
    pending = false;
    var scale = network.getScale();
    var found = -1;
    if (pointer && !onNode && scale >= ARROW_SCALE) { found = nearestTie(network.DOMtoCanvas(pointer), scale); }
    if (found === hoveredTie) { return; }
    hoveredTie = found;
    if (found >= 0) { showTip(edges.at("sg_tip", found), pointer); } else if (!onNode) { hideTip(); }
    network.redraw();
  }
  box.addEventListener("mousemove", function (event) {
    var rect = box.getBoundingClientRect();
    pointer = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    if (!pending) {
      pending = true;
      requestAnimationFrame(checkTie);
    }
  });
  box.addEventListener("mouseleave", function () {
    pointer = null;
    if (!pending) {
      pending = true;
      requestAnimationFrame(checkTie);
    }
  });
  sg.tieAt = function (dom) { return nearestTie(network.DOMtoCanvas(dom), network.getScale()); };
})(window.sgView);
