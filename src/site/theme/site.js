// Catalogue filters: text, tier and lifecycle; `?q=` pre-fills the text filter.
(function () {
  var table = document.getElementById("services");
  if (!table) return;
  var text = document.getElementById("filter-text");
  var tier = document.getElementById("filter-tier");
  var life = document.getElementById("filter-lifecycle");
  var count = document.getElementById("filter-count");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var hay = rows.map(function (r) { return (r.getAttribute("data-text") || "").toLowerCase(); });
  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (r, i) {
      var ok = (!tier.value || r.getAttribute("data-tier") === tier.value) &&
        (!life.value || r.getAttribute("data-lifecycle") === life.value) &&
        words.every(function (w) { return hay[i].indexOf(w) >= 0; });
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " of " + rows.length + " services";
  }
  var params = new URLSearchParams(location.search);
  if (params.get("q")) text.value = params.get("q");
  if (params.get("tier")) tier.value = params.get("tier");
  if (params.get("lifecycle")) life.value = params.get("lifecycle");
  text.addEventListener("input", apply);
  tier.addEventListener("change", apply);
  life.addEventListener("change", apply);
  apply();
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
