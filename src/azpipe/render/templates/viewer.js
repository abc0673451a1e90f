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
      if (edge.getAttribute("data-source") === id || edge.getAttribute("data-target") === id) {
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
    var node = event.target.closest ? event.target.closest("g.node") : null;
    if (node) { show(node.id); }
  });

  svg.addEventListener("keydown", function (event) {
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
  window.azpipeViewer = { show: show, fit: fit, zoom: zoomCenter, selected: function () { return selected; } };
}());
