/* stackgraph HTML view, overviews: a click on a group or layer node shows its busiest members around it and the
   ties among all members shown (the "members" and "member_ties" tables); a second click closes it again.
   A search for a member's name opens its node. */
(function (sg) {
  "use strict";
  if (!sg.memberTable) { return; }
  var network = sg.network;
  var members = sg.memberTable;
  var ties = sg.memberTieTable;
  var memberIds = members.col("id") || [];
  var groups = members.col("sg_group") || [];
  var names = members.col("sg_name") || memberIds;
  var aliases = members.col("sg_aliases") || [];
  var tieFrom = ties.rows("from") || [];
  var tieTo = ties.rows("to") || [];
  var tieIds = ties.col("id") || [];
  var rowsOf = {};  // aggregate node id -> member rows, busiest first
  groups.forEach(function (group, row) { (rowsOf[group] = rowsOf[group] || []).push(row); });
  var tiesOf = {};  // member row -> tie rows
  for (var j = 0; j < tieFrom.length; j++) {
    (tiesOf[tieFrom[j]] = tiesOf[tieFrom[j]] || []).push(j);
    (tiesOf[tieTo[j]] = tiesOf[tieTo[j]] || []).push(j);
  }
  var open = {};  // aggregate node id -> true while its members are shown
  var shown = new Uint8Array(members.length);
  var originalLabel = {};
  window.sgOpenGroups = function () { return Object.keys(open); };

  function memberHidden(row) {
    return sg.filteredOut("nodes", function (field) { return members.at(field, row); });
  }
  function tieHidden(j) {
    return memberHidden(tieFrom[j]) || memberHidden(tieTo[j]) ||
      sg.filteredOut("edges", function (field) { return ties.at(field, j); });
  }

  function openNode(group) {
    var rows = rowsOf[group];
    if (!rows || open[group]) { return; }
    var centre = network.getPositions([group])[group];
    var hub = network.body.nodes[group];
    var inner = ((hub && hub.options.size) || 20) + 24;
    var items = rows.map(function (row, k) {  // a sunflower around the node: busiest nearest
      var item = members.visItems(row, row + 1)[0];
      var angle = k * 2.39996;
      var radius = inner + 26 * Math.sqrt(k);
      item.x = centre.x + radius * Math.cos(angle);
      item.y = centre.y + radius * Math.sin(angle);
      if (memberHidden(row)) { item.hidden = true; }
      shown[row] = 1;
      return item;
    });
    open[group] = true;
    sg.visNodes.add(items);
    var added = [];
    rows.forEach(function (row) {
      (tiesOf[row] || []).forEach(function (t) {
        var other = tieFrom[t] === row ? tieTo[t] : tieFrom[t];
        if (shown[other] && (groups[other] !== group || tieFrom[t] === row)) {
          var item = ties.visItems(t, t + 1)[0];
          if (tieHidden(t)) { item.hidden = true; }
          added.push(item);
        }
      });
    });
    sg.visEdges.add(added);
    var record = sg.visNodes.get(group);
    originalLabel[group] = record.label;
    sg.visNodes.update({ id: group, label: (record.label || "") + " (open: " + rows.length + " shown)",
      borderWidth: 3, shapeProperties: { borderDashes: [4, 3] } });
  }

  function closeNode(group) {
    var rows = rowsOf[group];
    if (!rows || !open[group]) { return; }
    var gone = {};
    rows.forEach(function (row) {
      shown[row] = 0;
      (tiesOf[row] || []).forEach(function (t) { gone[tieIds[t]] = true; });
    });
    sg.visEdges.remove(Object.keys(gone).filter(function (id) { return sg.visEdges.get(id) !== null; }));
    sg.visNodes.remove(rows.map(function (row) { return memberIds[row]; }));
    delete open[group];
    sg.visNodes.update({ id: group, label: originalLabel[group], borderWidth: 1.5,
      shapeProperties: { borderDashes: false } });
  }
  sg.toggleGroup = function (group) { if (open[group]) { closeNode(group); } else { openNode(group); } };

  network.on("click", function (params) {
    if (params.nodes.length === 1 && rowsOf[params.nodes[0]]) { sg.toggleGroup(params.nodes[0]); }
  });

  sg.on("filters", function () {  // the sidebar's filters hold for members and their ties too
    var nodeUpdates = [];
    for (var row = 0; row < members.length; row++) {
      if (shown[row]) { nodeUpdates.push({ id: memberIds[row], hidden: memberHidden(row) }); }
    }
    var edgeUpdates = [];
    for (var t = 0; t < tieIds.length; t++) {
      if (shown[tieFrom[t]] && shown[tieTo[t]]) { edgeUpdates.push({ id: tieIds[t], hidden: tieHidden(t) }); }
    }
    if (nodeUpdates.length) { sg.visNodes.update(nodeUpdates); }
    if (edgeUpdates.length) { sg.visEdges.update(edgeUpdates); }
  });

  // A search also looks through the members: the nodes of the first few found open.
  sg.findMembers = function (query) {
    var exact = [];
    var partial = [];
    for (var row = 0; row < members.length; row++) {
      if (memberHidden(row)) { continue; }
      var texts = [names[row]].concat(aliases[row] || []).map(function (t) { return String(t || "").toLowerCase(); });
      if (texts.indexOf(query) >= 0) {
        exact.push(row);
      } else if (texts.some(function (t) { return t.indexOf(query) >= 0; })) {
        partial.push(row);
      }
    }
    var found = exact.concat(partial).slice(0, 50);
    found.slice(0, 5).forEach(function (row) { openNode(groups[row]); });
    return found.filter(function (row) { return shown[row]; }).map(function (row) { return memberIds[row]; });
  };
})(window.sgView);
