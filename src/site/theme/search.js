// Client-side search over the prebuilt index (assets/search-index.js): every
// query word must match the start of a word of the name, title or text.
(function () {
  var data = window.ITSM_SEARCH;
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  if (!data || !input || !list) return;
  var root = document.querySelector('link[rel="stylesheet"]').getAttribute("href").replace(/assets\/style\.css$/, "");
  var rows = data.r.map(function (r) {
    var title = r[2] || r[1];
    return { kind: data.k[r[0]], name: r[1], title: title,
      head: (" " + r[1] + " " + title).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " "),
      text: (" " + r[3]).toLowerCase() };
  });
  function search(q) {
    var words = q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = "Type to search " + rows.length + " records."; return; }
    var hits = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], score = 0, ok = true;
      for (var j = 0; j < words.length && ok; j++) {
        var w = " " + words[j];
        if (r.head.indexOf(w) >= 0) score += 10;
        else if (r.text.indexOf(w) >= 0) score += 1;
        else ok = false;
      }
      if (ok) hits.push([score, r]);
    }
    hits.sort(function (a, b) { return b[0] - a[0] || (a[1].title < b[1].title ? -1 : 1); });
    status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for \u201c" + q + "\u201d" + (hits.length > 100 ? " (first 100 shown)" : "");
    hits.slice(0, 100).forEach(function (h) {
      var r = h[1];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + r.kind + "/" + r.name + ".html";
      a.textContent = r.title;
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + r.kind + ":" + r.name;
      li.appendChild(a);
      li.appendChild(meta);
      list.appendChild(li);
    });
  }
  var q = new URLSearchParams(location.search).get("q") || "";
  input.value = q;
  search(q);
  input.addEventListener("input", function () { search(input.value); });
})();
