//! The dependency graphs of the site at 50+ nodes: geometry read back from the
//! SVG (no two nodes overlap, text inside its node, no edge under a node),
//! hostile titles escaped, and in headless Chromium the text as drawn inside
//! its box, node links focusable by Tab and the zoom buttons at work.

mod common;

use common::site::build as build_on;

use common::{VALID, stdout, write};
use std::path::Path;
use std::process::Command;

const TODAY: &str = "2026-11-21";

/// 60 Services, each depending on up to three after it; some retired or
/// deprecated, some with long titles, one with a hostile title.
fn sixty_services() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), VALID);
    let mut files = Vec::new();
    for i in 0..60usize {
        let mut deps: Vec<usize> = [7, 13, 29]
            .iter()
            .map(|k| i + (i * k) % 11 + 1)
            .filter(|&d| d < 60 && d % 4 != i % 4)
            .collect();
        deps.sort_unstable();
        deps.dedup();
        let deps: Vec<String> = deps.iter().map(|d| format!("s{d:02}")).collect();
        let title = match i {
            7 => "Hostile </svg><script>alert('x')</script> \"quoted\" & <b>bold</b>".to_string(),
            _ if i % 5 == 0 => format!(
                "Service {i} with a rather long title that has to wrap onto two lines or more"
            ),
            _ if i % 9 == 0 => format!("Supercalifragilisticexpialidocious{i}WithoutAnySpaceAtAll"),
            _ => format!("Service {i}"),
        };
        let lifecycle = match i % 13 {
            3 => "retired",
            4 => "deprecated",
            _ => "production",
        };
        files.push((
            format!("services/s{i:02}.yaml"),
            format!(
                "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  name: s{i:02}\n  title: '{}'\nspec:\n  owner: ops\n  lifecycle: {lifecycle}\n  tier: {}\n  sla: gold\n  dependsOn: [{}]\n",
                title.replace('\'', "''"),
                i % 4 + 1,
                deps.join(", ")
            ),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    write(repo.path(), &files);
    repo
}

/// The SVG named `id` in `html`.
fn svg<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<svg class=\"graph\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no graph {id}"));
    let end = html[start..].find("</svg>").unwrap() + start;
    &html[start..end]
}

/// The value of attribute `name` in the tag that starts `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let tag = &tag[..tag.find('>').unwrap()];
    let start = tag
        .find(&format!(" {name}=\""))
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + name.len()
        + 3;
    &tag[start..start + tag[start..].find('"').unwrap()]
}

fn num(tag: &str, name: &str) -> f64 {
    attr(tag, name).parse().unwrap()
}

/// A node: its box (left, top, right, bottom) and its text lines (x, baseline, text).
struct Drawn {
    rect: (f64, f64, f64, f64),
    texts: Vec<(f64, f64, String)>,
}

fn nodes(svg: &str) -> Vec<Drawn> {
    svg.split("<a href=")
        .skip(1)
        .map(|node| {
            let node = &node[..node.find("</a>").unwrap()];
            let rect = &node[node.find("<rect ").unwrap()..];
            let (x, y) = (num(rect, "x"), num(rect, "y"));
            let texts = node.split("<text ").skip(1).map(|t| {
                let text = t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].to_string();
                let tag = format!(" {t}");
                (num(&tag, "x"), num(&tag, "y"), text)
            });
            Drawn {
                rect: (x, y, x + num(rect, "width"), y + num(rect, "height")),
                texts: texts.collect(),
            }
        })
        .collect()
}

/// Points along each edge: `M x,y`, then `V y` runs and `C` curves, sampled.
fn edge_points(svg: &str) -> Vec<Vec<(f64, f64)>> {
    svg.split("<path class=\"edge\" d=\"")
        .skip(1)
        .map(|p| {
            let d = &p[..p.find('"').unwrap()];
            let mut points = Vec::new();
            let mut at = (0.0, 0.0);
            let mut rest = d;
            while let Some(cmd) = rest.chars().next() {
                let end = rest[1..]
                    .find(['M', 'V', 'C'])
                    .map_or(rest.len(), |i| i + 1);
                let args: Vec<f64> = rest[1..end]
                    .split([',', ' '])
                    .map(|n| n.parse().unwrap())
                    .collect();
                rest = &rest[end..];
                match cmd {
                    'M' => at = (args[0], args[1]),
                    'V' => {
                        let (from, to) = (at.1, args[0]);
                        for s in 0..=100 {
                            points.push((at.0, from + (to - from) * s as f64 / 100.0));
                        }
                        at.1 = to;
                    }
                    'C' => {
                        let p = [
                            at,
                            (args[0], args[1]),
                            (args[2], args[3]),
                            (args[4], args[5]),
                        ];
                        for s in 0..=100 {
                            let t = s as f64 / 100.0;
                            let u = 1.0 - t;
                            let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
                            let x = (0..4).map(|i| w[i] * p[i].0).sum();
                            let y = (0..4).map(|i| w[i] * p[i].1).sum();
                            points.push((x, y));
                        }
                        at = p[3];
                    }
                    _ => panic!("unexpected {cmd} in {d}"),
                }
            }
            points
        })
        .collect()
}

/// No two boxes overlap, every text line is inside its box, no point of an
/// edge is inside a box (edges run from box edge to box edge).
fn assert_readable(svg: &str, expected_nodes: usize) {
    let nodes = nodes(svg);
    assert_eq!(nodes.len(), expected_nodes, "{svg}");
    for (i, a) in nodes.iter().enumerate() {
        let r = a.rect;
        for b in &nodes[i + 1..] {
            let q = b.rect;
            assert!(
                r.2 <= q.0 || q.2 <= r.0 || r.3 <= q.1 || q.3 <= r.1,
                "{r:?} overlaps {q:?}"
            );
        }
        assert!(a.texts.len() >= 2, "a label and a note");
        for (x, y, text) in &a.texts {
            // Centred, the baseline below the cap height, the descent above the bottom.
            assert_eq!(*x, (r.0 + r.2) / 2.0, "{text}");
            assert!(
                r.1 + 12.0 <= *y && *y + 3.0 <= r.3,
                "{text} at {y} in {r:?}"
            );
        }
    }
    let edges = edge_points(svg);
    assert!(edges.len() >= expected_nodes, "{} edges", edges.len());
    for points in edges {
        for &(x, y) in &points {
            for n in &nodes {
                let r = n.rect;
                assert!(
                    !(r.0 < x && x < r.2 && r.1 < y && y < r.3),
                    "edge point ({x}, {y}) under {r:?}"
                );
            }
        }
    }
}

#[test]
fn sixty_services_read_as_a_graph() {
    let repo = sixty_services();
    let (_tmp, site) = build_on(repo.path(), TODAY);
    let html = std::fs::read_to_string(site.join("graph.html")).unwrap();
    // 61 Services (the fixture's shop too) by default; with the one CI behind the switch.
    assert_readable(svg(&html, "graph-services"), 61);
    assert_readable(svg(&html, "graph-all"), 62);
    assert!(html.contains("<input type=\"checkbox\" id=\"graph-cis\" class=\"graph-switch\"><label for=\"graph-cis\">Show the configuration items too (1)</label>"), "{html}");
    // Hostile text is escaped, in the name and on the node; long titles wrap, then end in an ellipsis.
    let services = svg(&html, "graph-services");
    assert!(services.contains("<title>Hostile &lt;/svg&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;: Service · tier 4</title>"), "{services}");
    assert!(!html.contains("<script>alert"));
    assert!(
        services.contains("class=\"label\">Service 5 with a rather long</text>"),
        "{services}"
    );
    assert!(
        services.contains("class=\"label\">title that has to wrap onto…</text>"),
        "{services}"
    );
    // Retired and deprecated Services are dimmed and say so.
    assert!(services.contains("<a href=\"service/s03.html\" class=\"node service dim\"><title>Service 3: Service · tier 4 · retired</title>"), "{services}");
    assert!(services.contains("<a href=\"service/s04.html\" class=\"node service dim\"><title>Service 4: Service · tier 1 · deprecated</title>"), "{services}");
    assert!(!services.contains("role=\"img\""));
    // A Service's page: its graph, centred on it.
    let page = std::fs::read_to_string(site.join("service/s20.html")).unwrap();
    let graph = svg(&page, "graph-deps");
    let width = num(graph, "width");
    let focus = nodes(graph)
        .into_iter()
        .zip(graph.split("<a href=").skip(1))
        .find(|(_, a)| a.contains("class=\"node focus\""))
        .unwrap()
        .0;
    assert_eq!(
        focus.rect.0 + focus.rect.2,
        width,
        "the focus in the middle"
    );
    assert!(
        page.contains(
            "<ul class=\"graph-legend\"><li><span class=\"key focus\"></span>this Service</li>"
        ),
        "{page}"
    );
}

use common::site::CHROMIUM;

/// The DOM of the page at `path` after its scripts ran, in headless Chromium.
fn dom(path: &Path) -> String {
    let url = format!("file://{}", path.display());
    let args = [
        "--window-size=1280,1000",
        "--virtual-time-budget=5000",
        "--dump-dom",
        &url,
    ];
    stdout(&common::site::chromium(&args))
}

/// What the page's script writes into `<pre id="graph-test">`, run after the
/// site's own scripts on a copy of the graph page.
const PROBE: &str = r#"<script>
(function () {
  var out = [], svg = document.getElementById("graph-services"), bad = [];
  svg.querySelectorAll("a.node").forEach(function (a) {
    var r = a.querySelector("rect").getBBox();
    a.querySelectorAll("text").forEach(function (t) {
      var b = t.getBBox();
      if (b.x < r.x || b.x + b.width > r.x + r.width || b.y < r.y || b.y + b.height > r.y + r.height)
        bad.push(t.textContent);
    });
  });
  out.push("text outside its box: " + bad.length + " " + bad.join(" | "));
  out.push("font: " + getComputedStyle(svg.querySelector("text")).fontFamily);
  var a = svg.querySelector("a.node");
  a.focus();
  out.push("node link focusable: " + (document.activeElement === a) + ", tabIndex " + a.tabIndex);
  var before = svg.getAttribute("viewBox");
  var buttons = document.querySelectorAll(".graph-services .graph-tools button");
  out.push("buttons: " + Array.prototype.map.call(buttons, function (b) { return b.getAttribute("aria-label"); }).join(", "));
  buttons[0].click();
  var zoomed = svg.getAttribute("viewBox");
  buttons[3].click();
  out.push("zoom in: " + (zoomed !== before) + ", reset: " + (svg.getAttribute("viewBox") === before));
  var w = +before.split(" ")[2], z = +zoomed.split(" ")[2];
  out.push("zoomed width ratio: " + Math.round(w / z * 100) / 100);
  var pre = document.createElement("pre");
  pre.id = "graph-test";
  pre.textContent = out.join("\n");
  document.body.appendChild(pre);
})();
</script>"#;

#[test]
fn in_a_browser_text_fits_links_focus_and_zoom_works() {
    let repo = sixty_services();
    let (_tmp, site) = build_on(repo.path(), TODAY);
    let html = std::fs::read_to_string(site.join("graph.html")).unwrap();
    let probe = site.join("graph-probe.html");
    std::fs::write(&probe, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let dom = dom(&probe);
    let start = dom.find("<pre id=\"graph-test\">").expect("the probe ran") + 21;
    let report = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    assert!(report.contains("text outside its box: 0 \n"), "{report}");
    assert!(
        report.contains("node link focusable: true, tabIndex 0"),
        "{report}"
    );
    assert!(
        report.contains("buttons: Zoom in, Zoom out, Show the whole graph, Back to the first view"),
        "{report}"
    );
    assert!(report.contains("zoom in: true, reset: true"), "{report}");
    assert!(report.contains("zoomed width ratio: 1.25"), "{report}");
}

/// Headless Chromium driven over the DevTools protocol (JSON over a WebSocket
/// on localhost): real key presses, which a page's own script cannot make.
/// The browser is killed when this drops.
struct Browser {
    child: std::process::Child,
    ws: std::net::TcpStream,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn open(url: &str) -> Browser {
        use std::io::Write;
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--remote-debugging-port=0",
                "--window-size=1280,1000",
                &format!("--user-data-dir={}", profile.path().display()),
                url,
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut browser = None;
        while browser.is_none() {
            assert!(std::time::Instant::now() < deadline, "no DevTools port");
            std::thread::sleep(std::time::Duration::from_millis(100));
            browser = std::fs::read_to_string(profile.path().join("DevToolsActivePort"))
                .ok()
                .filter(|s| s.lines().count() >= 2);
        }
        let port: u16 = browser
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let list = http_get(port, "/json/list");
        let pages: serde_json::Value = serde_json::from_str(&list).unwrap();
        let ws_url = pages
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["type"] == "page")
            .unwrap()["webSocketDebuggerUrl"]
            .as_str()
            .unwrap()
            .to_string();
        let path = &ws_url[ws_url.find("/devtools/").unwrap()..];
        let mut ws = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        ws.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        write!(ws, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").unwrap();
        let head = read_until_blank_line(&mut ws);
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        let mut b = Browser {
            child,
            ws,
            next: 0,
            _profile: profile,
        };
        while b.eval("document.readyState") != "complete" {
            assert!(
                std::time::Instant::now() < deadline,
                "the page did not load"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        b
    }

    /// Calls `method` and returns its result.
    fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        use std::io::Write;
        self.next += 1;
        let text =
            serde_json::json!({"id": self.next, "method": method, "params": params}).to_string();
        // A client frame: final, text, masked with the key 0 (the payload as is).
        let mut frame = vec![0x81u8];
        match text.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65536 => {
                frame.push(0x80 | 126);
                frame.extend((n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend((n as u64).to_be_bytes());
            }
        }
        frame.extend([0, 0, 0, 0]);
        frame.extend(text.as_bytes());
        self.ws.write_all(&frame).unwrap();
        loop {
            let message: serde_json::Value = serde_json::from_str(&self.read_message()).unwrap();
            if message["id"] == self.next {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    fn read_message(&mut self) -> String {
        use std::io::Read;
        let mut payload = Vec::new();
        loop {
            let mut head = [0u8; 2];
            self.ws.read_exact(&mut head).unwrap();
            let len = match head[1] & 0x7f {
                126 => {
                    let mut b = [0u8; 2];
                    self.ws.read_exact(&mut b).unwrap();
                    u16::from_be_bytes(b) as usize
                }
                127 => {
                    let mut b = [0u8; 8];
                    self.ws.read_exact(&mut b).unwrap();
                    u64::from_be_bytes(b) as usize
                }
                n => n as usize,
            };
            let mut part = vec![0u8; len];
            self.ws.read_exact(&mut part).unwrap();
            assert_ne!(head[0] & 0x0f, 8, "the browser closed the connection");
            payload.extend(part);
            if head[0] & 0x80 != 0 {
                return String::from_utf8(payload).unwrap();
            }
        }
    }

    fn eval(&mut self, js: &str) -> serde_json::Value {
        let r = self.call(
            "Runtime.evaluate",
            serde_json::json!({"expression": js, "returnByValue": true}),
        );
        r["result"]["value"].clone()
    }

    /// Presses and releases a key, as a keyboard would.
    fn press(&mut self, key: &str, code: i64, text: &str) {
        for kind in ["keyDown", "keyUp"] {
            let mut event = serde_json::json!({"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code});
            if kind == "keyDown" && !text.is_empty() {
                event["text"] = text.into();
            }
            self.call("Input.dispatchKeyEvent", event);
        }
    }
}

fn read_until_blank_line(s: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while !out.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).unwrap();
        out.push(byte[0]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn http_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let head = read_until_blank_line(&mut s).to_ascii_lowercase();
    let start = head.find("content-length:").expect("a length") + 15;
    let len: usize = head[start..start + head[start..].find('\r').unwrap()]
        .trim()
        .parse()
        .unwrap();
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}

#[test]
fn tab_reaches_the_zoom_buttons_and_every_node_link() {
    let repo = sixty_services();
    let (_tmp, site) = build_on(repo.path(), TODAY);
    let mut b = Browser::open(&format!("file://{}", site.join("graph.html").display()));
    let active = "(function (e) { return e.tagName + ' ' + (e.getAttribute('aria-label') || e.getAttribute('href') || ''); })(document.activeElement)";
    let viewbox = "document.getElementById('graph-services').getAttribute('viewBox')";
    // Tab from the top of the page to the first zoom button, then Enter on it.
    let mut seen = Vec::new();
    while seen.len() < 80 && seen.last().is_none_or(|s: &String| s != "BUTTON Zoom in") {
        b.press("Tab", 9, "");
        seen.push(b.eval(active).as_str().unwrap_or("").to_string());
    }
    assert_eq!(
        seen.last().map(String::as_str),
        Some("BUTTON Zoom in"),
        "{seen:?}"
    );
    let before = b.eval(viewbox);
    b.press("Enter", 13, "\r");
    let zoomed = b.eval(viewbox);
    assert_ne!(before, zoomed, "Enter on Zoom in changes the viewBox");
    // On past the other three buttons to the node links, each in turn.
    let mut links = Vec::new();
    for _ in 0..8 {
        b.press("Tab", 9, "");
        links.push(b.eval(active).as_str().unwrap_or("").to_string());
    }
    assert_eq!(
        &links[..3],
        [
            "BUTTON Zoom out",
            "BUTTON Show the whole graph",
            "BUTTON Back to the first view"
        ],
        "{links:?}"
    );
    assert!(
        links[3..]
            .iter()
            .all(|l| l.starts_with("a service/s") || l == "a service/shop.html"),
        "{links:?}"
    );
    // The focused node is in view: inside the viewBox.
    let inside = b.eval("(function () { var r = document.activeElement.querySelector('rect'), v = document.getElementById('graph-services').viewBox.baseVal; var x = +r.getAttribute('x'), y = +r.getAttribute('y'); return x >= v.x && y >= v.y && x + +r.getAttribute('width') <= v.x + v.width && y + +r.getAttribute('height') <= v.y + v.height; })()");
    assert_eq!(inside, serde_json::Value::Bool(true));
}
