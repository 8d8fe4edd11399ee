"""The reference side of the service workloads: one eplan process per request, CONCURRENCY
at once (as many as wrk's connections), the same requests as wrk's.

Usage: process_load.py CONCURRENCY COUNT COMMANDS.json OUT.json
COMMANDS.json: a list of argv lists; COUNT of them are run (cycling, in a fixed random
order). Writes {"count", "seconds", "per_second", "p50_ms", "p99_ms", "failures", "first_failure"}.
"""
import json, random, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

concurrency, count, commands_path, out_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
commands = json.load(open(commands_path))
rng = random.Random(20161003)
picked = [commands[rng.randrange(len(commands))] for _ in range(count)]

def run(argv):
    t0 = time.perf_counter()
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - t0, r.returncode, r.stderr.strip()[-300:]

t0 = time.perf_counter()
with ThreadPoolExecutor(concurrency) as pool:
    results = list(pool.map(run, picked))
seconds = time.perf_counter() - t0
lat = sorted(r[0] for r in results)
pct = lambda p: lat[min(len(lat) - 1, int(round(p / 100 * len(lat))) - 1)] * 1000
json.dump({"count": count, "seconds": seconds, "per_second": count / seconds, "p50_ms": pct(50), "p99_ms": pct(99),
           "failures": sum(1 for r in results if r[1] != 0),
           "first_failure": next((f"exit {r[1]}: {r[2]}" for r in results if r[1] != 0), None)}, open(out_path, "w"))
