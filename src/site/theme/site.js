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
