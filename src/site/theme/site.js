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
