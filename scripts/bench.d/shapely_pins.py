"""Reference side of the bulk pin-validation race: Shapely 2 with prepared polygons.

Usage: shapely_pins.py JURISDICTIONS.geojson N SEED PAIRS.f64 POLYGONS.wkb OUT.json
Jurisdictions: the features' polygons (tambons standing in for LAOs, one each), densified
to a vertex every 50 m (0.00045 degree) as in the pip race, written for eplan's side as
length-prefixed WKB. N random pairs: a random jurisdiction and a point uniform in its
bounding box widened by 20 % (so some fall outside), written as (index, lon, lat) f64
triples. Timed (best of 3): shapely.prepare on every polygon + shapely.contains_xy over all
pairs (vectorised, one core); also the checks alone once prepared (query_seconds).
The answers go to OUT.json.u8 for the cross-check.
"""
import json, sys, time
import numpy as np
import shapely

src, n, seed, pairs_path, wkb_path, out_path = sys.argv[1:7]
n, seed = int(n), int(seed)
with open(src) as f:
    fc = json.load(f)
polys = shapely.from_geojson([json.dumps(ft["geometry"]) for ft in fc["features"]])
dense = shapely.segmentize(polys, 0.00045)
with open(wkb_path, "wb") as f:
    for g in dense:
        b = shapely.to_wkb(g, byte_order=1)
        f.write(len(b).to_bytes(4, "little")); f.write(b)

rng = np.random.default_rng(seed)
idx = rng.integers(0, len(dense), n)
b = shapely.bounds(dense)[idx]
w, h = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
xs = b[:, 0] - 0.1 * w + rng.random(n) * 1.2 * w
ys = b[:, 1] - 0.1 * h + rng.random(n) * 1.2 * h
np.column_stack([idx.astype("<f8"), xs, ys]).astype("<f8").tofile(pairs_path)

geoms = dense[idx]
best = None
for _ in range(3):
    shapely.destroy_prepared(dense)
    t0 = time.perf_counter()
    shapely.prepare(dense)
    res = shapely.contains_xy(geoms, xs, ys)
    dt = time.perf_counter() - t0
    best = dt if best is None else min(best, dt)
# The checks alone, polygons already prepared and their indexes built by the runs above.
query = None
for _ in range(3):
    t0 = time.perf_counter()
    shapely.contains_xy(geoms, xs, ys)
    dt = time.perf_counter() - t0
    query = dt if query is None else min(query, dt)
res.astype("u1").tofile(out_path + ".u8")
json.dump({"seconds": best, "query_seconds": query, "pairs": n, "inside": int(res.sum()), "polygons": len(dense),
           "vertices": int(shapely.get_num_coordinates(dense).sum()),
           "shapely": shapely.__version__, "geos": shapely.geos_version_string}, open(out_path, "w"))
