// azpipe graph viewer: pan, zoom and a details panel. Every text is set with
// textContent; the data comes from a JSON block, never from markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("azpipe-data").textContent);
  var canvas = document.getElementById("canvas");
  var svg = canvas.querySelector("svg");
  var details = document.getElementById("details");
  var full = svg.viewBox.baseVal;
  var home = { x: full.x, y: full.y, w: full.width, h: full.height };
  var view = {};
  var drag = null;
  var selected = null;

  function apply() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
  }

  function scale() {
    return Math.max(view.w / canvas.clientWidth, view.h / canvas.clientHeight);
  }

  function toGraph(clientX, clientY) {
    var point = svg.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  function zoom(factor, cx, cy) {
    var w = view.w * factor;
    if (w < home.w / 50 || w > Math.max(home.w, canvas.clientWidth) * 20) { return; }
    view.x = cx - (cx - view.x) * factor;
    view.y = cy - (cy - view.y) * factor;
    view.w = w;
    view.h = view.h * factor;
    apply();
  }

  function zoomCenter(factor) {
    zoom(factor, view.x + view.w / 2, view.y + view.h / 2);
  }

  function fit() {
    // The whole graph, but never magnified beyond 100 %.
    var w = Math.max(home.w, canvas.clientWidth);
    var h = Math.max(home.h, canvas.clientHeight);
    view = { x: home.x - (w - home.w) / 2, y: home.y - (h - home.h) / 2, w: w, h: h };
    apply();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // A command wraps at spaces, never inside a placeholder: each ${{...}} (and the $[[ ]]
  // brackets) is a span that does not wrap; the rest wraps at spaces, and a very long word
  // anywhere.
  function command(text) {
    var pre = element("pre");
    text.split(/(\$\{\{[^}]*\}\}|\$\[\[|\]\])/).forEach(function (piece, index) {
      if (!piece) { return; }
      pre.appendChild(index % 2 ? element("span", "placeholder", piece) : document.createTextNode(piece));
    });
    return pre;
  }

  // A reference such as ${{parent.inputs.epochs}} in a narrow column breaks after a dot
  // or a slash (<wbr>), not between two arbitrary letters.
  function breakable(cell, text) {
    String(text).split(/(?<=[./])/).forEach(function (piece, index) {
      if (index) { cell.appendChild(element("wbr")); }
      cell.appendChild(document.createTextNode(piece));
    });
    return cell;
  }

  function table(rows, columns) {
    var result = element("table");
    if (columns) {
      var head = element("tr");
      columns.forEach(function (name) { head.appendChild(element("th", null, name)); });
      result.appendChild(head);
    }
    rows.forEach(function (row) {
      var line = element("tr");
      row.forEach(function (cell, index) {
        line.appendChild(breakable(element(!columns && index === 0 ? "th" : "td"), cell));
      });
      result.appendChild(line);
    });
    return result;
  }

  function block(item) {
    var part = document.createDocumentFragment();
    part.appendChild(element("h3", null, item.heading));
    if (item.code !== undefined) { part.appendChild(command(item.code)); }
    if (item.rows) { part.appendChild(table(item.rows, null)); }
    if (item.table) { part.appendChild(table(item.table, item.columns)); }
    if (item.list) {
      var list = element("ul", "broken");
      item.list.forEach(function (text) { list.appendChild(element("li", null, text)); });
      part.appendChild(list);
    }
    return part;
  }

  function mark(id) {
    svg.querySelectorAll(".node.selected").forEach(function (node) { node.classList.remove("selected"); });
    svg.querySelectorAll(".edge.active").forEach(function (edge) { edge.classList.remove("active"); });
    var node = document.getElementById(id);
    if (node) { node.classList.add("selected"); }
    svg.querySelectorAll(".edge").forEach(function (edge) {
      if (edge.getAttribute("data-drawn-source") === id || edge.getAttribute("data-drawn-target") === id) {
        edge.classList.add("active");
      }
    });
  }

  function show(id) {
    var info = Object.prototype.hasOwnProperty.call(data.nodes, id) ? data.nodes[id] : null;
    if (!info) { return; }
    selected = id;
    mark(id);
    details.replaceChildren(element("p", "kind", info.kind), element("h2", null, info.name));
    info.blocks.forEach(function (item) { details.appendChild(block(item)); });
  }

  // Sub-pipelines fold: a box (g.fold-box, drawn behind its steps) hides its steps and shows
  // the one node it stands for (g.node.fold, drawn hidden by azpipe), as `--depth` does
  // statically. The layout stays; each edge with an end inside a folded box keeps its route up
  // to the box's border and goes straight on to the folded node, and edges inside it hide.
  var boxes = {};
  var owners = {};  // node id -> the boxes holding it, outermost first
  var edges = [];
  var folds = svg.querySelector("g.folds");
  if (folds) { svg.querySelector("g.nodes").appendChild(folds); }  // drawn above the edges

  function number(element, name) { return parseFloat(element.getAttribute(name)); }

  svg.querySelectorAll("g.fold-box").forEach(function (element) {
    var rect = element.querySelector("rect");
    var node = document.getElementById(element.getAttribute("data-fold"));
    boxes[element.id] = {
      element: element,
      node: node,
      folded: false,
      parent: boxes[element.getAttribute("data-parent")] || null,
      rect: { x: number(rect, "x"), y: number(rect, "y"), w: number(rect, "width"), h: number(rect, "height") },
      at: { x: number(node, "data-x"), y: number(node, "data-y"), w: number(node, "data-w"), h: number(node, "data-h") },
      label: element.querySelector("text").textContent
    };
    element.getAttribute("data-members").split(" ").forEach(function (id) {
      (owners[id] = owners[id] || []).push(boxes[element.id]);
    });
  });

  function points(path) {
    return path.getAttribute("d").slice(1).split(" L").map(function (pair) {
      var xy = pair.split(",");
      return { x: parseFloat(xy[0]), y: parseFloat(xy[1]) };
    });
  }

  svg.querySelectorAll("g.edge, g.label").forEach(function (element) {
    var path = element.querySelector("path");
    edges.push({ element: element, path: path, route: path ? points(path) : null, d: path ? path.getAttribute("d") : null,
                 source: element.getAttribute("data-source"), target: element.getAttribute("data-target") });
  });

  function hidden(box) {
    for (var outer = box.parent; outer; outer = outer.parent) { if (outer.folded) { return true; } }
    return false;
  }

  function owner(id) {
    var list = owners[id] || [];
    for (var i = 0; i < list.length; i++) { if (list[i].folded) { return list[i]; } }
    return null;
  }

  function inside(point, rect) {
    return point.x >= rect.x && point.x <= rect.x + rect.w && point.y >= rect.y && point.y <= rect.y + rect.h;
  }

  // Where the segment from `from` (inside rect) to `to` (outside) leaves rect.
  function border(from, to, rect) {
    var t = 1;
    var dx = to.x - from.x;
    var dy = to.y - from.y;
    if (to.x > rect.x + rect.w) { t = Math.min(t, (rect.x + rect.w - from.x) / dx); }
    if (to.x < rect.x) { t = Math.min(t, (rect.x - from.x) / dx); }
    if (to.y > rect.y + rect.h) { t = Math.min(t, (rect.y + rect.h - from.y) / dy); }
    if (to.y < rect.y) { t = Math.min(t, (rect.y - from.y) / dy); }
    return { x: from.x + dx * t, y: from.y + dy * t };
  }

  // The point of the folded node's border on the way from its centre to `point`.
  function anchor(box, point) {
    var at = box.at;
    var cx = at.x + at.w / 2;
    var cy = at.y + at.h / 2;
    var dx = point.x - cx;
    var dy = point.y - cy;
    var s = Math.min(dx ? at.w / 2 / Math.abs(dx) : Infinity, dy ? at.h / 2 / Math.abs(dy) : Infinity, 1);
    return { x: cx + dx * s, y: cy + dy * s };
  }

  // The route cut where it leaves (start) or enters (end) the folded box, joined to its node;
  // null when nothing of it is outside the box.
  function reroute(route, start, end) {
    var result = route.slice();
    if (start && inside(result[0], start.rect)) {
      var i = 0;
      while (i < result.length && inside(result[i], start.rect)) { i++; }
      if (i === result.length) { return null; }
      var out = border(result[i - 1], result[i], start.rect);
      result = [anchor(start, out), out].concat(result.slice(i));
    }
    if (end && inside(result[result.length - 1], end.rect)) {
      var j = result.length - 1;
      while (j >= 0 && inside(result[j], end.rect)) { j--; }
      if (j < 0) { return null; }
      var into = border(result[j + 1], result[j], end.rect);
      result = result.slice(0, j + 1).concat([into, anchor(end, into)]);
    }
    return result;
  }

  function format(route) {
    return "M" + route.map(function (p) { return +p.x.toFixed(1) + "," + +p.y.toFixed(1); }).join(" L");
  }

  function refresh() {
    Object.keys(boxes).forEach(function (id) {
      var box = boxes[id];
      var covered = hidden(box);
      box.element.classList.toggle("folded-away", covered || box.folded);
      box.element.setAttribute("aria-expanded", String(!box.folded));
      box.node.classList.toggle("folded-away", covered || !box.folded);
    });
    svg.querySelectorAll("g.node:not(.fold)").forEach(function (node) {
      node.classList.toggle("folded-away", owner(node.id) !== null);
    });
    edges.forEach(function (edge) {
      var start = owner(edge.source);
      var end = edge.target ? owner(edge.target) : null;
      var route = edge.route;
      var gone = start !== null && start === end;
      if (edge.element.classList.contains("label")) {
        gone = gone || end !== null;  // a label sits just above its target, inside the box
      } else if (!gone && (start || end)) {
        route = reroute(edge.route, start, end);
        gone = route === null;
      }
      edge.element.classList.toggle("folded-away", gone);
      if (edge.path) { edge.path.setAttribute("d", route && route !== edge.route ? format(route) : edge.d); }
      edge.element.setAttribute("data-drawn-source", start ? start.node.id : edge.source);
      if (edge.target) { edge.element.setAttribute("data-drawn-target", end ? end.node.id : edge.target); }
    });
  }

  function fold(id, folded) {
    var box = boxes[id];
    if (!box || box.folded === folded) { return; }
    var focused = document.activeElement === box.element || document.activeElement === box.node;
    box.folded = folded;
    refresh();
    if (focused) { (folded ? box.node : box.element).focus(); }
  }

  function toggle(target) {
    var node = target.closest ? target.closest("g.node.fold") : null;
    if (node) { fold(node.getAttribute("data-box"), false); return true; }
    var box = target.closest ? target.closest("g.fold-box") : null;
    if (box) { fold(box.id, !boxes[box.id].folded); return true; }
    return false;
  }

  Object.keys(boxes).forEach(function (id) {
    var box = boxes[id];
    box.node.setAttribute("data-box", id);
    box.node.setAttribute("aria-expanded", "false");
    box.node.setAttribute("aria-label", "sub-pipeline " + box.label + ", folded: press Enter to unfold");
    box.element.setAttribute("aria-label", "sub-pipeline " + box.label + ": press Enter to fold");
  });
  refresh();

  canvas.addEventListener("wheel", function (event) {
    event.preventDefault();
    var point = toGraph(event.clientX, event.clientY);
    zoom(event.deltaY < 0 ? 1 / 1.15 : 1.15, point.x, point.y);
  }, { passive: false });

  canvas.addEventListener("pointerdown", function (event) {
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
  });

  canvas.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    var dx = event.clientX - drag.x;
    var dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    if (!drag.moved) { canvas.setPointerCapture(event.pointerId); }
    drag.moved = true;
    canvas.classList.add("dragging");
    view.x = drag.vx - dx * scale();
    view.y = drag.vy - dy * scale();
    apply();
  });

  function endDrag() {
    canvas.classList.remove("dragging");
    window.setTimeout(function () { drag = null; }, 0);
  }
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);

  svg.addEventListener("click", function (event) {
    if (drag && drag.moved) { return; }
    if (toggle(event.target)) { return; }
    var node = event.target.closest ? event.target.closest("g.node") : null;
    if (node) { show(node.id); }
  });

  svg.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && toggle(event.target)) {
      event.preventDefault();
      return;
    }
    var node = event.target.closest ? event.target.closest("g.node") : null;
    if (node && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      show(node.id);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT") { return; }
    if (event.key === "+" || event.key === "=") { zoomCenter(1 / 1.25); }
    if (event.key === "-") { zoomCenter(1.25); }
    if (event.key === "0") { fit(); }
  });

  document.getElementById("zoom-in").addEventListener("click", function () { zoomCenter(1 / 1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomCenter(1.25); });
  document.getElementById("zoom-fit").addEventListener("click", fit);
  fit();
  window.azpipeViewer = {
    show: show, fit: fit, zoom: zoomCenter, fold: fold, selected: function () { return selected; },
    folded: function () { return Object.keys(boxes).filter(function (id) { return boxes[id].folded; }); }
  };
}());
