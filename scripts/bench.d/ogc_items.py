#!/usr/bin/env python3
"""OGC API - Features items over HTTP, as a client pages them (one keep-alive connection).

  ogc_items.py walk URL [MAXPAGES] [RUNS]  follows the next links from URL (at most MAXPAGES pages, 0: all); prints
                                    features, pages, the median seconds of RUNS walks (default 1) and the median
                                    seconds of a walk's parsing alone (parse_seconds)
  ogc_items.py time URL RUNS        the median time of one page, RUNS times after one warm-up
  ogc_items.py raw URL              as walk, but only the next link is read (the server's share)
  ogc_items.py deep URL PAGE RUNS   walks to page PAGE, then times page 1 and page PAGE RUNS times each
Every page is parsed as JSON in `walk` (as a client must); `raw` and `deep` only read the next link.
OGC_JSON=orjson parses with orjson (a C parser, as GDAL's and QGIS's own are) instead of Python's json
module, whose parsing alone takes longer than eplan's serving of the same pages.
"""
import http.client, json, os, re, statistics, sys, time, urllib.parse

if os.environ.get("OGC_JSON") == "orjson":
    import orjson
    parse = orjson.loads
else:
    parse = json.loads

conns = {}

def get(url):
    u = urllib.parse.urlsplit(url)
    conn = conns.get(u.netloc)
    if conn is None:
        conn = conns[u.netloc] = http.client.HTTPConnection(u.netloc, timeout=600)
    conn.request("GET", u.path + ("?" + u.query if u.query else ""), headers={"Accept": "application/geo+json"})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"{url}: HTTP {r.status}: {body[:300]!r}")
    return body

def next_link(doc):
    for link in doc.get("links", []):
        if link.get("rel") == "next":
            return link["href"]
    return None

NEXT = re.compile(rb'\{[^{}]*"rel"\s*:\s*"next"[^{}]*\}')

def next_from_tail(body):
    m = NEXT.search(body[-4096:])
    return json.loads(m.group(0))["href"] if m else None

def walk(url, maxpages=None):
    features = pages = 0
    parsing = 0.0
    t0 = time.perf_counter()
    while url and (maxpages is None or pages < maxpages):
        body = get(url)
        t1 = time.perf_counter()
        doc = parse(body)
        parsing += time.perf_counter() - t1
        features += len(doc["features"])
        pages += 1
        url = next_link(doc)
    return {"features": features, "pages": pages, "seconds": time.perf_counter() - t0, "parse_seconds": parsing,
            "parser": parse.__module__}

def raw(url):
    pages, size = 0, 0
    t0 = time.perf_counter()
    while url:
        body = get(url)
        pages += 1; size += len(body)
        url = next_from_tail(body)
    return {"pages": pages, "bytes": size, "seconds": time.perf_counter() - t0}

def once(url, runs):
    get(url)  # warm the server's caches
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter(); get(url); ts.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(ts), "runs": runs}

def deep(url, page, runs):
    first, target = url, url
    for _ in range(page - 1):
        target = next_from_tail(get(target))
        if target is None:
            sys.exit(f"fewer than {page} pages")
    def timed(u):
        ts = []
        for _ in range(runs):
            t0 = time.perf_counter(); get(u); ts.append(time.perf_counter() - t0)
        return statistics.median(ts)
    timed(first)  # warm the server's caches alike
    a, b = timed(first), timed(target)
    return {"page1_s": a, "pageN_s": b, "page": page, "ratio": b / a}

if __name__ == "__main__":
    if sys.argv[1] == "walk":
        maxpages = int(sys.argv[3]) if len(sys.argv) > 3 and int(sys.argv[3]) > 0 else None
        runs = [walk(sys.argv[2], maxpages) for _ in range(int(sys.argv[4]) if len(sys.argv) > 4 else 1)]
        result = runs[0] | {"seconds": statistics.median(r["seconds"] for r in runs),
                            "parse_seconds": statistics.median(r["parse_seconds"] for r in runs), "runs": len(runs)}
        print(json.dumps(result))
    elif sys.argv[1] == "time":
        print(json.dumps(once(sys.argv[2], int(sys.argv[3]))))
    elif sys.argv[1] == "raw":
        print(json.dumps(raw(sys.argv[2])))
    else:
        print(json.dumps(deep(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
