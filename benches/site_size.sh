#!/usr/bin/env bash
# What a browser transfers from the site of a generated repository before a
# page is usable: the largest page with the style sheet and scripts it loads,
# and what a search loads (its page, the manifest, the shards of two words, the
# documents of the 20 results shown, at worst: a word loads one shard file, the
# summary of a split shard or the shard of more of its characters); with the
# build's speed.
#
#   benches/site_size.sh [SIZE]        default: 100000
#
# Target (issue 17): no page needs more than about 1 MB before it is usable.
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"
n=${1:-100000}
build
dir=$(corpus "$n")
site=$PWD/target/bench/site-size-$n
rm -rf "$site"
"$bin" -C "$dir" check -q --today "$today" || true # warm the page cache
read -r wall _ < <(/usr/bin/time -f "%e" "$bin" -C "$dir" build -q --today "$today" --out "$site" 2>&1 >/dev/null | tail -1)
pages=$(find "$site" -name '*.html' | wc -l)
echo "## site size"
echo
about 1
echo
echo "Command: \`itsm -C DIR build -q --today $today --out SITE\` ($n records): $pages pages in $wall s, $(python3 -c "print(f'{$pages / $wall:,.0f}')") pages/s."
echo
python3 - "$site" <<'PY'
import gzip, os, re, sys
site = sys.argv[1]
size = lambda p: os.path.getsize(p)
gz = lambda p: len(gzip.compress(open(p, "rb").read(), 6))
ref = re.compile(rb'<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="([^"]+)"')

def usable(page):
    """The page and the files it loads before it is usable."""
    html = open(page, "rb").read()
    files = [page]
    for m in ref.finditer(html):
        files.append(os.path.normpath(os.path.join(os.path.dirname(page), m.group(1).decode())))
    return files

pages = []
for root, _, names in os.walk(site):
    for name in names:
        if name.endswith(".html"):
            p = os.path.join(root, name)
            pages.append((size(p), p))
pages.sort(reverse=True)
rows = []
worst = None
for _, p in pages[:20]:
    files = usable(p)
    total = sum(size(f) for f in files if os.path.isfile(f))
    if worst is None or total > worst[0]:
        worst = (total, p, files)
total, page, files = worst
rows.append(("largest page + its style sheet and scripts", os.path.relpath(page, site), files))
search = os.path.join(site, "assets/search")
by_size = lambda prefix: sorted((os.path.join(search, f) for f in os.listdir(search) if f.startswith(prefix)), key=size, reverse=True)
shards, docs = by_size("t-"), by_size("d-")
rows.append(("search page (before a query)", "search.html", usable(os.path.join(site, "search.html"))))
rows.append(("a two-word query at worst: the two largest shards + 20 largest chunks of documents",
             "assets/search/" + ", ".join(os.path.basename(s) for s in shards[:2]), shards[:2] + docs[:20]))
print("| what | files | bytes | gzip |")
print("|---|---|---:|---:|")
for what, name, fs in rows:
    fs = [f for f in fs if os.path.isfile(f)]
    print(f"| {what} | {name} ({len(fs)} files) | {sum(map(size, fs)) / 1e6:.2f} MB | {sum(map(gz, fs)) / 1e6:.2f} MB |")
print()
manifest = open(os.path.join(search, "index.js")).read()
split = len(re.findall(r'"[^"]*"', manifest.split('"split":', 1)[1].split("]", 1)[0])) if '"split":' in manifest else 0
print(f"Search index: {len(shards)} shard files ({split} of them summaries of split shards; largest {size(shards[0]) / 1e3:.0f} kB), "
      f"{len(docs)} chunks of documents (largest {size(docs[0]) / 1e3:.0f} kB), "
      f"manifest {size(os.path.join(search, 'index.js')) / 1e3:.0f} kB; "
      f"{sum(map(size, shards + docs)) / 1e6:.1f} MB in all.")
PY
rm -rf "$site"
