"""Makes a big boundary file for the memory workload: a GeoJSON FeatureCollection densified
(shapely.segmentize = GEOSDensify) until it is about TARGET_MB, properties kept.

Usage: densify_geojson.py IN.geojson TARGET_MB OUT.geojson
Prints {"bytes", "features", "vertices"} as JSON.
"""
import json, os, sys
import shapely

src, target_mb, dst = sys.argv[1], float(sys.argv[2]), sys.argv[3]
with open(src) as f:
    fc = json.load(f)
geoms = shapely.from_geojson([json.dumps(ft["geometry"]) for ft in fc["features"]])
props = [json.dumps(ft["properties"], ensure_ascii=False) for ft in fc["features"]]

def write(step):
    dense = shapely.segmentize(geoms, step) if step else geoms
    with open(dst, "w") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        for i, (p, g) in enumerate(zip(props, dense)):
            out.write('%s{"type":"Feature","properties":%s,"geometry":%s}' % (",\n" if i else "", p, shapely.to_geojson(g)))
        out.write("\n]}\n")
    return os.path.getsize(dst), int(shapely.get_num_coordinates(dense).sum())

# Bisect the densifying step (degrees) until the file is within 3% of the target.
lo, hi = 1e-5, 1e-1
size, vertices = write(None)
for _ in range(30):
    if abs(size / 1e6 - target_mb) / target_mb < 0.03:
        break
    step = (lo * hi) ** 0.5
    size, vertices = write(step)
    if size / 1e6 > target_mb: lo = step
    else: hi = step
print(json.dumps({"bytes": size, "features": len(props), "vertices": vertices}))
