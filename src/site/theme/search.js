// Client-side search over the sharded index (assets/search/, see index.js):
// every query word must start a word of the record (a clause number such as
// 8.5.1 is one word); matches in the name or title rank first. Only the shard
// of each query word is loaded, then the documents of the results shown.
// Everything from the index reaches the page as text (textContent), never HTML.
(function () {
  var M = window.ITSM_SEARCH;
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var facets = document.getElementById("facets");
  var more = document.getElementById("more");
  if (!M || !input || !list) return;
  var root = document.querySelector('link[rel="stylesheet"]').getAttribute("href").replace(/assets\/style\.css$/, "");
  var base = root + "assets/search/";
  var shards = {}, split = {};
  M.shards.forEach(function (k) { shards[k] = true; });
  (M.split || []).forEach(function (k) { split[k] = true; });
  var parts = {}, waiting = {};
  window.ITSM_SEARCH_PART = function (name, data) { parts[name] = data; done(name); };
  function done(name) { var w = waiting[name] || []; delete waiting[name]; w.forEach(function (f) { f(); }); }
  function load(name, then) {
    if (name in parts) return then();
    if (waiting[name]) { waiting[name].push(then); return; }
    waiting[name] = [then];
    var s = document.createElement("script");
    s.src = base + name + ".js";
    s.onerror = function () { parts[name] = null; done(name); };
    document.head.appendChild(s);
  }
  function loadAll(names, then) {
    var left = names.length;
    if (!left) return then();
    names.forEach(function (n) { load(n, function () { if (--left === 0) then(); }); });
  }
  function cut(t, n) { return Array.from(t).slice(0, n).join(""); }
  // The tokens of a text, as the index makes them (src/site/search/mod.rs).
  function tokens(text) {
    var out = [];
    text.toLowerCase().split(/[^\p{L}\p{N}.]+/u).forEach(function (run) {
      run = run.replace(/^\.+|\.+$/g, "");
      var parts = /\./.test(run) && /^[0-9.]+$/.test(run) ? [run] : run.split(".");
      parts.forEach(function (t) { if (Array.from(t).length >= 2) out.push(cut(t, 40)); });
    });
    return out;
  }
  function key(t, n) { return Array.from(t).slice(0, n).map(function (c) { return /[a-z0-9]/.test(c) ? c : "_"; }).join(""); }
  // The one shard file a query word needs (src/site/search/shards.rs): the
  // shard its first two characters name, or, while that one is split, the
  // shard of one more character; a word as long as a split shard's key reads
  // that shard's summary. Null when no token starts so.
  function shardOf(w) {
    var n = 2, k = key(w, n), len = Array.from(w).length;
    while (split[k] && len > n) k = key(w, ++n);
    return shards[k] || split[k] ? "t-" + k : null;
  }
  function decode(l, add) {
    if (!l) return;
    if (typeof l === "string") {
      var b = atob(l);
      for (var i = 0; i < b.length; i++) {
        var c = b.charCodeAt(i);
        for (var j = 0; j < 8; j++) if (c & (1 << j)) add(i * 8 + j);
      }
      return;
    }
    var r = 0;
    for (var k = 0; k < l.length; k++) { r += l[k]; add(r); }
  }
  // Record number -> score of one query word: 10 in the name or title, else 1.
  function matches(w) {
    var name = shardOf(w), shard = name && parts[name], hit = new Map();
    if (!shard) return hit;
    Object.keys(shard).forEach(function (t) {
      if (t.lastIndexOf(w, 0) !== 0) return;
      decode(shard[t][0], function (r) { hit.set(r, 10); });
      decode(shard[t][1], function (r) { if (!hit.has(r)) hit.set(r, 1); });
    });
    return hit;
  }
  function kindOf(r) {
    for (var i = 0; i < M.kinds.length; i++) { var k = M.kinds[i]; if (r >= k[2] && r < k[2] + k[3]) return k; }
    return M.kinds[0];
  }
  var params = new URLSearchParams(location.search);
  var kind = params.get("kind") || "";
  var seq = 0, shown = 20;
  function search(q) {
    var my = ++seq, words = tokens(q);
    var needed = words.map(shardOf).filter(Boolean);
    loadAll(needed, function () { if (my === seq) rank(q, words, my); });
  }
  function rank(q, words, my) {
    list.textContent = ""; facets.textContent = ""; more.hidden = true;
    if (!words.length) { status.textContent = "Type to search " + M.n + " records."; return; }
    var total = null;
    words.forEach(function (w) {
      var m = matches(w);
      if (total === null) { total = m; return; }
      var next = new Map();
      total.forEach(function (s, r) { if (m.has(r)) next.set(r, s + m.get(r)); });
      total = next;
    });
    var hits = Array.from(total.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    showFacets(q, hits);
    var inKind = kind ? hits.filter(function (h) { return kindOf(h[0])[0] === kind; }) : hits;
    var label = kind ? " in " + (M.kinds.filter(function (k) { return k[0] === kind; })[0] || [0, kind])[1] : "";
    status.textContent = inKind.length + (inKind.length === 1 ? " result" : " results") + " for \u201c" + q + "\u201d" + label;
    var page = inKind.slice(0, shown);
    var chunks = [];
    page.forEach(function (h) { var c = "d-" + Math.floor(h[0] / M.chunk); if (chunks.indexOf(c) < 0) chunks.push(c); });
    loadAll(chunks, function () {
      if (my !== seq) return;
      page.forEach(function (h) { list.appendChild(result(h[0], words)); });
      more.hidden = inKind.length <= shown;
    });
  }
  function showFacets(q, hits) {
    if (!hits.length) return;
    var counts = {};
    hits.forEach(function (h) { var k = kindOf(h[0])[0]; counts[k] = (counts[k] || 0) + 1; });
    var all = [["", "All kinds", hits.length]];
    M.kinds.forEach(function (k) { if (counts[k[0]]) all.push([k[0], k[1], counts[k[0]]]); });
    all.forEach(function (f) {
      var a = document.createElement("a");
      var p = new URLSearchParams({ q: q });
      if (f[0]) p.set("kind", f[0]);
      a.href = "?" + p.toString();
      a.textContent = f[1] + " ";
      if (f[0] === kind) a.setAttribute("aria-current", "true");
      var n = document.createElement("span");
      n.className = "count";
      n.textContent = f[2];
      a.appendChild(n);
      facets.appendChild(a);
    });
  }
  function result(r, words) {
    var k = kindOf(r), d = (parts["d-" + Math.floor(r / M.chunk)] || [])[r % M.chunk] || ["?", "", ""];
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = root + k[0] + "/" + (d[3] || d[0]) + ".html";
    a.textContent = d[1] || d[0];
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = " " + k[1] + " \u00b7 " + d[0];
    li.appendChild(a);
    li.appendChild(meta);
    if (d[2]) li.appendChild(snippet(d[2], words));
    return li;
  }
  // The part of the text around the first query word found, the words marked.
  function snippet(text, words) {
    var lower = text.toLowerCase(), at = -1;
    words.forEach(function (w) { var i = lower.indexOf(w); if (i >= 0 && (at < 0 || i < at)) at = i; });
    var start = Math.max(0, at - 60);
    var space = text.indexOf(" ", start);
    if (start > 0 && space >= 0 && space < at) start = space + 1;
    var end = Math.min(text.length, start + 160);
    var part = (start > 0 ? "\u2026" : "") + text.slice(start, end) + (end < text.length ? "\u2026" : "");
    var p = document.createElement("p");
    p.className = "snippet";
    var re = new RegExp("(" + words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|") + ")", "giu");
    part.split(re).forEach(function (piece, i) {
      if (!piece) return;
      if (i % 2) { var m = document.createElement("mark"); m.textContent = piece; p.appendChild(m); }
      else p.appendChild(document.createTextNode(piece));
    });
    return p;
  }
  input.value = params.get("q") || "";
  search(input.value);
  input.addEventListener("input", function () {
    shown = 20;
    var p = new URLSearchParams();
    if (input.value) p.set("q", input.value);
    if (kind) p.set("kind", kind);
    history.replaceState(null, "", "?" + p.toString());
    search(input.value);
  });
  more.addEventListener("click", function () { shown += 20; search(input.value); });
})();
