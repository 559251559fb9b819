/* stackgraph HTML view, 2/3: what the page draws on vis-network's canvas itself, and its own tooltips.
   - the names of the hubs (meta.hubs), at a readable size at every zoom, never on top of each other;
   - in lean views (vis-network holds only the most important entities): the other entities, every tie, the
     arrow heads and, once zoomed in, the names; an entity or tie under the pointer gets its tooltip, a click on
     an entity the page draws hands it to vis-network and selects it;
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
  window.sgNodesDrawn = 0;
  window.sgHubsDrawn = [];

  function short(name) {
    name = String(name === null || name === undefined ? "" : name);
    return name.length > 40 ? name.slice(0, 39) + "\u2026" : name;
  }
  var names = (nodes.col("sg_name") || ids).map(short);
  var sizes = nodes.col("size") || [];
  function radius(row) { return typeof sizes[row] === "number" ? sizes[row] : 10; }

  // Positions by row: the precomputed ones, and vis-network's for the entities it holds (they can be dragged).
  var xs = Float64Array.from(nodes.col("x") || [], Number);
  var ys = Float64Array.from(nodes.col("y") || [], Number);
  function follow() {
    for (var row = 0; row < ids.length; row++) {
      if (!sg.inVis[row]) { continue; }
      var node = bodyNodes[ids[row]];
      if (node) { xs[row] = node.x; ys[row] = node.y; }
    }
  }
  function shown(row) { return !sg.hiddenNode[row] && sg.isDrawn(row); }
  function visible(scale) {
    var centre = network.getViewPosition();
    var halfWidth = box.clientWidth / 2 / scale;
    var halfHeight = box.clientHeight / 2 / scale;
    return { left: centre.x - halfWidth, right: centre.x + halfWidth, top: centre.y - halfHeight,
      bottom: centre.y + halfHeight };
  }
  function inside(view, row) {
    return xs[row] >= view.left && xs[row] <= view.right && ys[row] >= view.top && ys[row] <= view.bottom;
  }

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
      if (!shown(row) || !inside(view, row)) { continue; }
      var width = ctx.measureText(names[row]).width;
      var x = xs[row];
      var y = ys[row] + radius(row) + 2 / scale;
      var rect = { left: x - width / 2, right: x + width / 2, top: y, bottom: y + size * 1.15 };
      if (placed.some(function (r) {
        return r.left < rect.right && rect.left < r.right && r.top < rect.bottom && rect.top < r.bottom;
      })) { continue; }
      placed.push(rect);
      ctx.strokeText(names[row], x, y);
      ctx.fillText(names[row], x, y);
      drawn.push(names[row]);
    }
    ctx.restore();
    window.sgHubsDrawn = drawn;
  }

  if (!META.lean) {
    if (hubRows.length) {
      network.on("afterDrawing", function (ctx) {
        var scale = network.getScale();
        follow();
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

  // ---- lean views: the entities vis-network does not hold, and every tie ----------------------------------------
  var from = edges.rows("from") || [];
  var to = edges.rows("to") || [];
  var relations = edges.col("sg_relation") || [];
  function styled(colors, dashes, widths, count) {  // distinct (colour, dashes, width): one path each per frame
    var styles = [];
    var styleOf = new Int32Array(count);
    var index = {};
    for (var i = 0; i < count; i++) {
      var color = typeof colors[i] === "string" ? colors[i] : "#888888";
      var dash = Array.isArray(dashes[i]) ? dashes[i] : (dashes[i] === true ? [8, 5] : null);
      var width = typeof widths[i] === "number" ? widths[i] : 1;
      var key = color + "|" + (dash ? dash.join(",") : "") + "|" + width;
      if (index[key] === undefined) {
        index[key] = styles.length;
        styles.push({ color: color, dashes: dash, width: width });
      }
      styleOf[i] = index[key];
    }
    var order = styles.map(function (style, s) { return s; }).sort(function (a, b) {  // wide ones on top
      return styles[a].width - styles[b].width || a - b;
    });
    return { styles: styles, of: styleOf, order: order };
  }
  var ties = styled(edges.col("color") || [], edges.col("dashes") || [], edges.col("width") || [], edges.length);
  var shapes = nodes.col("shape") || [];
  var nodeColors = (nodes.col("color") || []).map(function (c) {
    return typeof c === "string" ? c : (c && c.background) || "#c8c8c8";
  });
  var hoveredTie = -1;
  var hoveredNode = -1;

  function tieShown(j) { return !sg.hiddenEdge[j] && shown(from[j]) && shown(to[j]); }
  function stroke(ctx, path, style, scale, pixels, alpha) {
    ctx.strokeStyle = style.color;
    ctx.globalAlpha = style.width >= 3 ? 0.95 : alpha;  // a wide tie (added in a scenario) stands out at any zoom
    ctx.lineWidth = Math.max(style.width >= 3 ? 2.5 : pixels, Math.min(style.width * scale, 4)) / scale;
    ctx.setLineDash(style.dashes ? style.dashes.map(function (d) { return d / Math.max(scale, 0.5); }) : []);
    ctx.stroke(path);
  }
  function outline(path, shape, x, y, r) {  // the shapes of vis-network's kinds
    if (shape === "square") {
      path.rect(x - r, y - r, 2 * r, 2 * r);
    } else if (shape === "diamond") {
      path.moveTo(x, y - r);
      path.lineTo(x + r, y);
      path.lineTo(x, y + r);
      path.lineTo(x - r, y);
      path.closePath();
    } else if (shape === "triangle") {
      path.moveTo(x, y - r);
      path.lineTo(x + r * 0.87, y + r * 0.5);
      path.lineTo(x - r * 0.87, y + r * 0.5);
      path.closePath();
    } else {
      path.moveTo(x + r, y);
      path.arc(x, y, r, 0, 2 * Math.PI);
    }
  }

  network.on("beforeDrawing", function (ctx) {  // under vis-network's nodes
    var scale = network.getScale();
    var view = visible(scale);
    follow();
    var paths = ties.styles.map(function () { return null; });
    var marked = new Path2D();  // ties of the selected entities, drawn over the others
    var selected = {};
    network.getSelectedNodes().forEach(function (id) { selected[sg.rowOf[id]] = true; });
    var drawn = 0;
    for (var j = 0; j < from.length; j++) {
      if (!tieShown(j)) { continue; }
      var a = from[j], b = to[j];
      if (Math.max(xs[a], xs[b]) < view.left || Math.min(xs[a], xs[b]) > view.right ||
          Math.max(ys[a], ys[b]) < view.top || Math.min(ys[a], ys[b]) > view.bottom) { continue; }
      var path = paths[ties.of[j]] || (paths[ties.of[j]] = new Path2D());
      path.moveTo(xs[a], ys[a]);
      path.lineTo(xs[b], ys[b]);
      if (selected[a] || selected[b]) {
        marked.moveTo(xs[a], ys[a]);
        marked.lineTo(xs[b], ys[b]);
      }
      drawn += 1;
    }
    ctx.save();
    ctx.lineCap = "round";
    ties.order.forEach(function (s) { if (paths[s]) { stroke(ctx, paths[s], ties.styles[s], scale, 0.7, 0.55); } });
    stroke(ctx, marked, { color: "#222222", dashes: null, width: 2 }, scale, 1.6, 0.9);
    if (hoveredTie >= 0 && tieShown(hoveredTie)) {
      var one = new Path2D();
      one.moveTo(xs[from[hoveredTie]], ys[from[hoveredTie]]);
      one.lineTo(xs[to[hoveredTie]], ys[to[hoveredTie]]);
      stroke(ctx, one, ties.styles[ties.of[hoveredTie]], scale, 3, 1);
    }
    window.sgTiesDrawn = drawn;
    // the entities vis-network does not hold: one path per colour (and shape)
    var fills = {};
    var count = 0;
    var floor = 1.5 / scale;  // at least 1.5 px across
    for (var row = 0; row < ids.length; row++) {
      if (sg.inVis[row] || !shown(row) || !inside(view, row)) { continue; }
      var key = nodeColors[row] + "|" + (shapes[row] || "dot");
      var fill = fills[key] || (fills[key] = { color: nodeColors[row], path: new Path2D() });
      outline(fill.path, shapes[row], xs[row], ys[row], Math.max(radius(row), floor));
      count += 1;
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    ctx.lineWidth = 1 / scale;
    ctx.strokeStyle = "rgba(0,0,0,0.35)";
    for (var k in fills) {
      ctx.fillStyle = fills[k].color;
      ctx.fill(fills[k].path);
      if (scale > 0.25) { ctx.stroke(fills[k].path); }
    }
    if (hoveredNode >= 0 && !sg.inVis[hoveredNode]) {
      var ring = new Path2D();
      outline(ring, shapes[hoveredNode], xs[hoveredNode], ys[hoveredNode], radius(hoveredNode) + 2 / scale);
      ctx.lineWidth = 2 / scale;
      ctx.strokeStyle = "#000000";
      ctx.stroke(ring);
    }
    ctx.restore();
    window.sgNodesDrawn = count;
  });

  function drawHeads(ctx, scale, view) {
    var paths = {};
    var drawn = 0;
    var taken = {};  // heads on the same few pixels (many ties into one hub) are drawn once
    for (var j = 0; j < from.length && drawn < MAX_ARROWS; j++) {
      if (relations[j] === "partners_with" || !tieShown(j)) { continue; }
      var f = from[j], t = to[j];
      if (!inside(view, t)) { continue; }
      var dx = xs[t] - xs[f];
      var dy = ys[t] - ys[f];
      var length = Math.sqrt(dx * dx + dy * dy);
      if (length < 1) { continue; }
      dx /= length;
      dy /= length;
      var r = radius(t) + 1;
      var tipX = xs[t] - dx * r;
      var tipY = ys[t] - dy * r;
      var color = ties.styles[ties.of[j]].color;
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
      if (isHub[row] || !shown(row) || !inside(view, row)) { continue; }
      var y = ys[row] + radius(row) + 2 / scale;
      ctx.strokeText(names[row], xs[row], y);
      ctx.fillText(names[row], xs[row], y);
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

  // ---- the pointer: tooltips, and a click hands an entity the page draws to vis-network --------------------------
  var onVisNode = false;
  network.on("hoverNode", function (params) {
    onVisNode = true;
    showTip(nodes.at("sg_tip", sg.rowOf[params.node]), params.pointer.DOM);
  });
  network.on("blurNode", function () { onVisNode = false; hideTip(); });
  ["dragStart", "zoom"].forEach(function (name) { network.on(name, hideTip); });

  function nodeAt(point, scale) {  // the page-drawn entity under a canvas point (the top one)
    var found = -1;
    var slack = 2 / scale;
    for (var row = 0; row < ids.length; row++) {
      if (sg.inVis[row] || !shown(row)) { continue; }
      var r = Math.max(radius(row), 1.5 / scale) + slack;
      var dx = point.x - xs[row], dy = point.y - ys[row];
      if (dx * dx + dy * dy <= r * r) { found = row; }
    }
    return found;
  }
  function tieNear(point, scale) {
    var best = -1;
    var bestDistance = 5 / scale;  // within 5 screen pixels
    for (var j = 0; j < from.length; j++) {
      if (!tieShown(j)) { continue; }
      var ax = xs[from[j]], ay = ys[from[j]], bx = xs[to[j]], by = ys[to[j]];
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
  function checkPointer() {
    pending = false;
    var scale = network.getScale();
    var node = -1;
    var tie = -1;
    if (pointer && !onVisNode) {
      var point = network.DOMtoCanvas(pointer);
      node = nodeAt(point, scale);
      if (node < 0 && scale >= ARROW_SCALE) { tie = tieNear(point, scale); }
    }
    if (node === hoveredNode && tie === hoveredTie) { return; }
    hoveredNode = node;
    hoveredTie = tie;
    if (node >= 0) {
      showTip(nodes.at("sg_tip", node), pointer);
    } else if (tie >= 0) {
      showTip(edges.at("sg_tip", tie), pointer);
    } else if (!onVisNode) {
      hideTip();
    }
    network.redraw();
  }
  function pointerMoved(event) {
    if (event) {
      var rect = box.getBoundingClientRect();
      pointer = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    } else {
      pointer = null;
    }
    if (!pending) {
      pending = true;
      requestAnimationFrame(checkPointer);
    }
  }
  box.addEventListener("mousemove", pointerMoved);
  box.addEventListener("mouseleave", function () { pointerMoved(null); });
  network.on("click", function (params) {
    if (params.nodes.length) { return; }
    var row = nodeAt(network.DOMtoCanvas(params.pointer.DOM), network.getScale());
    if (row < 0) { return; }
    sg.promote([row]);
    network.selectNodes([ids[row]], true);
    hoveredNode = -1;
  });
  sg.tieAt = function (dom) { return tieNear(network.DOMtoCanvas(dom), network.getScale()); };
  sg.pageNodeAt = function (dom) { return nodeAt(network.DOMtoCanvas(dom), network.getScale()); };
})(window.sgView);
