// Filters of the catalogue and of the kind lists, kept in the URL query (so a
// filtered list can be shared, and the back button undoes a filter), and
// sortable tables. Without JavaScript every list is a plain table.
(function () {
  function each(list, f) { Array.prototype.forEach.call(list, f); }
  // Sorting: a button in each header of a `table.sortable`; `aria-sort` tells
  // the order, `?sort=COLUMN&order=desc` in the URL keeps it (COLUMN: the
  // header in lower case, spaces as dashes).
  each(document.querySelectorAll("table.sortable"), function (table) {
    var ths = table.tHead.rows[0].cells;
    var cmp = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" }).compare;
    function sort(th, col, dir) {
      each(ths, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var body = table.tBodies[0];
      var key = function (r) { var c = r.cells[col]; return c ? (c.getAttribute("data-sort") || c.textContent.trim()) : ""; };
      var rows = Array.prototype.slice.call(body.rows).map(function (r) { return [key(r), r]; });
      rows.sort(function (a, b) { var x = cmp(a[0], b[0]); return dir === "ascending" ? x : -x; });
      rows.forEach(function (r) { body.appendChild(r[1]); });
    }
    var p = new URLSearchParams(location.search);
    each(ths, function (th, col) {
      var name = th.textContent.trim().toLowerCase().replace(/\s+/g, "-");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      b.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sort(th, col, dir);
        var q = new URLSearchParams(location.search);
        q.set("sort", name);
        if (dir === "descending") q.set("order", "desc"); else q.delete("order");
        history.replaceState(null, "", "?" + q.toString());
      });
      if (p.get("sort") === name) sort(th, col, p.get("order") === "desc" ? "descending" : "ascending");
    });
  });
  // Filters: each control's name is its key in the URL query.
  function filters(form, table, count, noun, matches) {
    var controls = form.querySelectorAll("input[name], select[name]");
    var rows = table.tBodies[0].rows;
    function apply() {
      var shown = 0;
      each(rows, function (r) {
        var ok = true;
        each(controls, function (c) { if (ok && c.value) ok = matches(r, c); });
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + " of " + rows.length + " " + noun;
    }
    function fromUrl() {
      var p = new URLSearchParams(location.search);
      each(controls, function (c) {
        var v = p.get(c.name) || "";
        if (c.tagName === "SELECT" && v && !Array.prototype.some.call(c.options, function (o) { return o.value === v; })) {
          var o = document.createElement("option");
          o.textContent = v;
          c.appendChild(o);
        }
        c.value = v;
      });
      apply();
    }
    function toUrl(push) {
      var p = new URLSearchParams(location.search);
      each(controls, function (c) { if (c.value) p.set(c.name, c.value); else p.delete(c.name); });
      var q = p.toString();
      history[push ? "pushState" : "replaceState"](null, "", q ? "?" + q : location.pathname);
      apply();
    }
    form.addEventListener("change", function () { toUrl(true); });
    form.addEventListener("input", function (e) { if (e.target.tagName === "INPUT") toUrl(false); });
    window.addEventListener("popstate", fromUrl);
    fromUrl();
  }
  var services = document.getElementById("services");
  if (services) {
    var hay = new Map();
    each(services.tBodies[0].rows, function (r) { hay.set(r, (r.getAttribute("data-text") || "").toLowerCase()); });
    filters(document.getElementById("filters"), services, document.getElementById("filter-count"), "services", function (r, c) {
      if (c.name === "q") return c.value.toLowerCase().split(/\s+/).filter(Boolean).every(function (w) { return hay.get(r).indexOf(w) >= 0; });
      return r.getAttribute("data-" + c.name) === c.value;
    });
  }
  var list = document.getElementById("list"), form = document.getElementById("list-filters");
  if (list && form) {
    var count = document.getElementById("list-count");
    filters(form, list, count, count.getAttribute("data-noun"), function (r, c) {
      if (c.name === "label") return (r.getAttribute("data-label") || "").split("\n").indexOf(c.value) >= 0;
      return r.getAttribute("data-" + c.name.toLowerCase()) === c.value;
    });
  }
})();
// Graphs: zoom and pan on the SVG's viewBox, with buttons (Tab reaches them),
// arrow keys and + - 0 inside the graph, or dragging; a node that takes the
// focus comes into view. Without this script the graph scrolls in its box.
(function () {
  var graphs = document.querySelectorAll("svg.graph");
  Array.prototype.forEach.call(graphs, function (svg) {
    var box = svg.parentNode;
    var W = svg.viewBox.baseVal.width, H = svg.viewBox.baseVal.height;
    var focus = svg.querySelector(".focus rect");
    var s = 1, cx = -1, cy = -1;
    box.classList.add("zoomable");
    svg.setAttribute("width", "100%");
    var first = box.clientWidth ? Math.max(0.75, Math.min(1, box.clientWidth / W)) : 1;
    svg.setAttribute("height", Math.round(Math.min(H * first, Math.max(240, innerHeight * 0.7))));
    svg.setAttribute("tabindex", "-1");
    function num(el, a) { return parseFloat(el.getAttribute(a)); }
    function home() {
      var h = svg.clientHeight;
      // The whole width when that keeps text readable (at least 3/4 size).
      s = Math.max(0.75, Math.min(1, svg.clientWidth / W));
      h /= s;
      cx = W / 2;
      cy = Math.min(h, H) / 2;
      if (focus) cy = Math.max(cy, Math.min(H - h / 2, num(focus, "y") + num(focus, "height") / 2));
    }
    function show() {
      var w = svg.clientWidth, h = svg.clientHeight;
      if (!w || !h) return;
      if (cx < 0) home();
      w /= s;
      h /= s;
      svg.setAttribute("viewBox", [cx - w / 2, cy - h / 2, w, h].map(function (v) {
        return Math.round(v * 100) / 100;
      }).join(" "));
    }
    function zoom(f) { s = Math.min(4, Math.max(0.05, s * f)); show(); }
    function fit() {
      s = Math.min(svg.clientWidth / W, svg.clientHeight / H, 1);
      cx = W / 2;
      cy = H / 2;
      show();
    }
    function reset() { cx = -1; show(); }
    var bar = document.createElement("div");
    bar.className = "graph-tools";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Zoom the graph");
    [["+", "Zoom in", function () { zoom(1.25); }], ["\u2212", "Zoom out", function () { zoom(0.8); }],
     ["Fit", "Show the whole graph", fit], ["Reset", "Back to the first view", reset]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b[0];
      button.title = b[1];
      button.setAttribute("aria-label", b[1]);
      button.addEventListener("click", b[2]);
      bar.appendChild(button);
    });
    box.insertBefore(bar, svg);
    svg.addEventListener("keydown", function (e) {
      var step = 60 / s, keys = {
        ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step]
      };
      if (keys[e.key]) { cx += keys[e.key][0]; cy += keys[e.key][1]; show(); }
      else if (e.key === "+" || e.key === "=") zoom(1.25);
      else if (e.key === "-") zoom(0.8);
      else if (e.key === "0") reset();
      else return;
      e.preventDefault();
    });
    svg.addEventListener("focusin", function (e) {
      var rect = e.target.querySelector && e.target.querySelector("rect");
      if (!rect) return;
      var x = num(rect, "x"), y = num(rect, "y"), vb = svg.viewBox.baseVal;
      if (x < vb.x || y < vb.y || x + num(rect, "width") > vb.x + vb.width || y + num(rect, "height") > vb.y + vb.height) {
        cx = x + num(rect, "width") / 2;
        cy = y + num(rect, "height") / 2;
        show();
      }
    });
    var drag = null, moved = false;
    svg.addEventListener("pointerdown", function (e) { drag = [e.clientX, e.clientY]; moved = false; });
    svg.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var dx = e.clientX - drag[0], dy = e.clientY - drag[1];
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      moved = true;
      cx -= dx / s;
      cy -= dy / s;
      drag = [e.clientX, e.clientY];
      show();
    });
    svg.addEventListener("pointerup", function () { drag = null; });
    svg.addEventListener("pointerleave", function () { drag = null; });
    // A drag that ends on a node does not follow its link.
    svg.addEventListener("click", function (e) { if (moved) { e.preventDefault(); moved = false; } }, true);
    addEventListener("resize", show);
    document.addEventListener("change", show);
    addEventListener("beforeprint", function () { svg.setAttribute("viewBox", "0 0 " + W + " " + H); });
    addEventListener("afterprint", show);
    show();
  });
})();
