// Live reload for `itsm serve`: long-polls the server; reloads when this page
// changed, shows the diagnostics over the page while the repository is broken.
(function () {
  var page = location.pathname.replace(/^\//, "") || "index.html";
  var version = -1;
  function show(text) {
    var box = document.getElementById("itsm-diagnostics");
    if (!text) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "itsm-diagnostics";
      box.innerHTML = "<h2>The repository has errors; the site shows the last good build</h2><pre></pre>";
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = text;
  }
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", "/__itsm/poll?v=" + version + "&page=" + encodeURIComponent(page));
    xhr.timeout = 60000;
    xhr.onload = function () {
      var r;
      // 503: too many pages poll at once; try again later.
      if (xhr.status !== 200) return setTimeout(poll, 5000);
      try { r = JSON.parse(xhr.responseText); } catch (e) { return setTimeout(poll, 1000); }
      if (version >= 0 && r.reload) { location.reload(); return; }
      version = r.version;
      show(r.errors);
      poll();
    };
    xhr.onerror = xhr.ontimeout = function () { setTimeout(poll, 1000); };
    xhr.send();
  }
  poll();
})();
