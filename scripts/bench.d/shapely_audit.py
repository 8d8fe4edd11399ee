"""Reference side of the boundary-audit race: the same checks in Shapely 2, one core.

Usage: shapely_audit.py TAMBON.geojson AMPHOE.geojson TAMBON_DENSE.wkb AMPHOE_DENSE.wkb OUT.json [AMPHOE_STEP]
Densified tambons are read from TAMBON_DENSE.wkb (the pip workload's file; written here
from TAMBON.geojson if absent) and the amphoes are densified the same way (a vertex every
50 m = 0.00045 degree, shapely.segmentize = GEOSDensify) into AMPHOE_DENSE.wkb for eplan.
Timed: is_valid_reason on every tambon and amphoe; overlap pairs with
STRtree.query(predicate="intersects") and the intersection area of each pair; gaps as
amphoe minus unary_union of its tambons. Areas are in degrees² and filtered with the same
conservative bound as eplan (1 m² <= 1.24e10 m²/deg² x deg²) before projecting.
"""
import json, os, sys, time
import numpy as np
import shapely

tambon_src, amphoe_src, tambon_wkb, amphoe_wkb, out_path = sys.argv[1:6]
STEP = 0.00045
# The amphoes' own step (degrees): another step than the tambons' (e.g. 0.00063, 70 m)
# gives the same lines with other vertices, as when the two layers come from other sources.
AMPHOE_STEP = float(sys.argv[6]) if len(sys.argv) > 6 else STEP
MIN_AREA = 1.0
DEG2 = MIN_AREA / 1.24e10

def load(src, field):
    with open(src) as f:
        fc = json.load(f)
    geoms = shapely.from_geojson([json.dumps(ft["geometry"]) for ft in fc["features"]])
    return geoms, [ft["properties"] for ft in fc["features"]]

def write_wkb(path, geoms):
    with open(path, "wb") as f:
        for g in geoms:
            b = shapely.to_wkb(g, byte_order=1)
            f.write(len(b).to_bytes(4, "little")); f.write(b)

def read_wkb(path):
    data = open(path, "rb").read()
    out, o = [], 0
    while o + 4 <= len(data):
        n = int.from_bytes(data[o:o + 4], "little"); o += 4
        out.append(data[o:o + n]); o += n
    return shapely.from_wkb(out)

tambons, tprops = load(tambon_src, "tambon_code")
amphoes, aprops = load(amphoe_src, "amphoe_code")
if os.path.exists(tambon_wkb):
    tdense = read_wkb(tambon_wkb)
else:
    tdense = shapely.segmentize(tambons, STEP)
    write_wkb(tambon_wkb, tdense)
adense = shapely.segmentize(amphoes, AMPHOE_STEP)
write_wkb(amphoe_wkb, adense)
vertices = int(shapely.get_num_coordinates(tdense).sum())
avertices = int(shapely.get_num_coordinates(adense).sum())
t_amphoe = np.array([p["amphoe_code"] for p in tprops])
a_code = [p["amphoe_code"] for p in aprops]

def audit():
    findings = 0
    # 1. validity, with reasons
    reasons = shapely.is_valid_reason(np.concatenate([tdense, adense]))
    findings += int(sum(1 for r in reasons if r != "Valid Geometry"))
    # 2. overlaps among tambons
    tree = shapely.STRtree(tdense)
    left, right = tree.query(tdense, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    inter = shapely.intersection(tdense[left], tdense[right])
    areas = shapely.area(inter)
    overlaps = int((areas >= DEG2).sum())
    findings += overlaps
    # 3. gaps: amphoe minus the union of its tambons
    gaps = 0
    for i, code in enumerate(a_code):
        kids = tdense[t_amphoe == code]
        union = shapely.union_all(kids) if len(kids) else shapely.Polygon()
        gap = shapely.difference(adense[i], union)
        parts = shapely.get_parts(gap)
        gaps += int((shapely.area(parts) >= DEG2).sum()) if len(parts) else 0
    findings += gaps
    return findings, int(len(left)), overlaps, gaps

best = None
for _ in range(3):
    t0 = time.perf_counter()
    result = audit()
    dt = time.perf_counter() - t0
    best = dt if best is None else min(best, dt)
findings, pairs, overlaps, gaps = result
json.dump({"seconds": best, "tambons": len(tdense), "amphoes": len(adense), "vertices": vertices,
           "amphoe_vertices": avertices, "amphoe_step": AMPHOE_STEP, "pairs": pairs, "findings": findings, "overlaps": overlaps, "gaps": gaps,
           "shapely": shapely.__version__, "geos": shapely.geos_version_string}, open(out_path, "w"))
