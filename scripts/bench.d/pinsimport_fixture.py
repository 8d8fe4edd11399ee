"""The `pinsimport` workload's data: N projects and a GPX with one waypoint per project.

usage: pinsimport_fixture.py STORE N OUT.gpx

Projects are spread round-robin over every local LAO with a jurisdiction (the อบจ. left
out: in the bench store that is one synthetic อบต. per tambon), one waypoint each, named by
the project's code, as a Garmin unit writes it. 95% lie at a uniform random place inside
the project's own LAO, 5% inside another LAO (refused, with where they really lie). One
project in ten is a road, so its point is stored with the kind-of-work warning. Prints one
JSON object.
"""
import json, sqlite3, subprocess, sys, time
import numpy as np
import shapely

store, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t0 = time.time()
rows = subprocess.run(
    ["spatialite", "-silent", store,
     "SELECT code, hex(AsBinary(geom)) FROM lao WHERE geom IS NOT NULL AND type <> 'pao' ORDER BY code;"],
    check=True, capture_output=True, text=True).stdout.split()
codes, polygons = [], []
for r in rows:
    code, wkb = r.split("|")
    codes.append(code)
    polygons.append(shapely.from_wkb(bytes.fromhex(wkb)))
for p in polygons:
    shapely.prepare(p)
laos = len(codes)
rng = np.random.default_rng(20161003)
own = np.arange(n) % laos
away = rng.random(n) < 0.05
target = np.where(away, (own + 1 + rng.integers(0, laos - 1, n)) % laos, own)
road = rng.random(n) < 0.1

# Rejection sampling in each target LAO's box, all its points at once.
lon, lat = np.zeros(n), np.zeros(n)
order = np.argsort(target, kind="stable")
bounds = np.searchsorted(target[order], np.arange(laos + 1))
for k in range(laos):
    idx = order[bounds[k]:bounds[k + 1]]
    if len(idx) == 0:
        continue
    minx, miny, maxx, maxy = polygons[k].bounds
    got = []
    while len(got) < len(idx):
        xs = rng.uniform(minx, maxx, 4 * len(idx) + 16)
        ys = rng.uniform(miny, maxy, 4 * len(idx) + 16)
        keep = shapely.contains_xy(polygons[k], xs, ys)
        got += list(zip(xs[keep], ys[keep]))
    lon[idx] = [p[0] for p in got[:len(idx)]]
    lat[idx] = [p[1] for p in got[:len(idx)]]

con = sqlite3.connect(store)
with con:
    con.executemany(
        "INSERT INTO project (code, lao_code, plan_year, name_th, kind, recorded_on, updated_at) VALUES (?, ?, 2569, ?, ?, '2026-01-01', '2026-01-01')",
        ((f"PI{i + 1:06d}", codes[own[i]], ("ก่อสร้างถนน " if road[i] else "อาคาร ") + f"PI{i + 1:06d}",
          "road" if road[i] else "building") for i in range(n)))
con.close()

with open(out, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
            '<gpx xmlns="http://www.topografix.com/GPX/1/1" creator="eTrex 32x" version="1.1">\n')
    for i in range(n):
        f.write(f'  <wpt lat="{lat[i]:.7f}" lon="{lon[i]:.7f}">\n    <ele>118.42</ele>\n    <time>2026-11-28T02:10:11Z</time>\n'
                f'    <name>PI{i + 1:06d}</name>\n    <sym>Flag, Blue</sym>\n  </wpt>\n')
    f.write("</gpx>\n")
print(json.dumps({"projects": n, "laos": laos, "placed_in_another_lao": int(away.sum()), "roads": int(road.sum()),
                  "seconds": round(time.time() - t0, 1)}))
