# The national simulation on PostgreSQL + PostGIS (issue 13), sourced by scripts/bench:
#   pgnational-load    the national fixture's COPY load (rows/s), and eplan store copy vs ogr2ogr (SQLite → PostGIS)
#   pgnational-export  eplan export geojson of every pin vs ogr2ogr from the same database (features/s, peak RSS)
#   pgnational-ogc     OGC API items over HTTP: eplan serve vs tipg (PyPI) on the same database
#   pgnational-pins    durable pins: 64 wrk connections over two eplan serve processes on one database
# The fixture: the national boundaries, an LAO per tambon plus Tak's registry, 12,000,000
# synthetic projects and 3,000,000 current pins, times PGNATIONAL_SCALE (or --scale X; default 1).
# Its cluster (durable: fsync and synchronous_commit on) lives in PGNATIONAL_DIR
# (/tmp/eplan-national-pg) and is kept between runs; scripts/bench pgnational-stop removes it.
PGN_DIR=${PGNATIONAL_DIR:-/tmp/eplan-national-pg}
PGN_BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGN_DB=eplan_national
PGN_URL="postgresql:///$PGN_DB?host=$PGN_DIR"

pgn_psql() { psql -h "$PGN_DIR" -d "${PGN_DATABASE:-$PGN_DB}" -v ON_ERROR_STOP=1 -Atq "$@"; }
pgn_owner() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
pgn_count() { python3 -c "import sys; print(int(float(sys.argv[1]) * float(sys.argv[2])))" "$1" "$PGN_SCALE"; }
pgn_rate() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):,.0f}')" "$1" "$2"; }
pgn_now() { date +%s.%N; }
# pgn_cpu TIMEFILE: user + system seconds from a GNU time -v report.
pgn_cpu() { python3 -c "
import re, sys
t = open(sys.argv[1]).read()
print(round(sum(float(re.search(k + r' time \(seconds\): (\S+)', t).group(1)) for k in ('User', 'System')), 1))" "$1"; }
pgn_since() { python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$1"; }

# A cluster of its own on a Unix socket, with the defaults that make a commit durable, sized
# for the fixture's bulk load (large WAL between checkpoints, 2 GB of shared buffers).
pgn_cluster() {
  if [ -f "$PGN_DIR/data/PG_VERSION" ]; then
    "$PGN_BIN/pg_isready" -q -h "$PGN_DIR" && return
  else
    rm -rf "$PGN_DIR"; install -d -m 755 "$PGN_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$PGN_DIR"
    pgn_owner "$PGN_BIN/initdb -D $PGN_DIR/data -A trust -U $(id -un) -E UTF8" >"$PGN_DIR/initdb.log" 2>&1 \
      || { cat "$PGN_DIR/initdb.log" >&2; return 1; }
  fi
  local opts="-k $PGN_DIR -c listen_addresses='' -c max_connections=400 -c shared_buffers=2GB -c work_mem=32MB
    -c maintenance_work_mem=1GB -c max_wal_size=16GB -c checkpoint_timeout=30min -c wal_level=replica
    -c effective_cache_size=8GB -c random_page_cost=1.1"
  pgn_owner "$PGN_BIN/pg_ctl -D $PGN_DIR/data -l $PGN_DIR/server.log -w -t 300 -o \"$(echo $opts)\" start" >/dev/null \
    || { tail -20 "$PGN_DIR/server.log" >&2; return 1; }
}

bench_pgnational-stop() {
  [ -d "$PGN_DIR/data" ] && pgn_owner "$PGN_BIN/pg_ctl -D $PGN_DIR/data -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$PGN_DIR"
}

# pgn_fixture: builds the national database unless it holds this scale already; the load's
# figures go to the bench_national table (printed by pgnational-load).
pgn_fixture() {
  pgn_cluster
  local np npins
  np=$(pgn_count 12000000); npins=$(pgn_count 3000000)
  [ "$(pgn_psql -c "SELECT projects || ' ' || pins FROM bench_national" 2>/dev/null || true)" = "$np $npins" ] && return
  echo "   building the national fixture: $np projects, $npins pins (scale $PGN_SCALE) in $PGN_DIR"
  "$PGN_BIN/dropdb" -h "$PGN_DIR" --if-exists "$PGN_DB"; "$PGN_BIN/createdb" -h "$PGN_DIR" "$PGN_DB"
  local t0 t_init t_lao t_proj t_pin t_an laos="$out/pgnational-laos.tsv"
  t0=$(pgn_now); "$EPLAN" init --national --no-plan --db "$PGN_URL" >/dev/null; t_init=$(pgn_since "$t0")
  # Every tambon without an LAO of Tak's registry gets a synthetic อบต. whose jurisdiction is the tambon.
  t0=$(pgn_now)
  pgn_psql -c "
    INSERT INTO lao (code, type, name_th, short_th, amphoe_code, province_code, coverage, synthetic, updated_at, geom)
      SELECT '06' || code, 'sao', 'องค์การบริหารส่วนตำบล' || name_th, 'อบต.' || name_th, amphoe_code, province_code, 'whole', 1,
             '2026-01-01T00:00:00Z', geom FROM tambon ON CONFLICT (code) DO NOTHING;
    INSERT INTO dev_plan (lao_code, first_year, last_year, approved, approved_on, recorded_on)
      SELECT code, 2566, 2570, 1, '2022-06-30', '2025-01-15' FROM lao ON CONFLICT DO NOTHING;"
  pgn_psql -c "COPY (SELECT code, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM lao
                     WHERE geom IS NOT NULL AND type <> 'pao' ORDER BY code) TO STDOUT" > "$laos"
  t_lao=$(pgn_since "$t0")
  # One transaction per table, as pg_restore orders it: TRUNCATE, COPY … FREEZE (rows written
  # frozen: no later vacuum pass), then the secondary index and the foreign key built once over
  # the whole table (one join, not a trigger per row). Keys and unique indexes stay throughout.
  t0=$(pgn_now)
  { echo "BEGIN; TRUNCATE project, pin, project_stage_log;
          ALTER TABLE project DROP CONSTRAINT project_lao_code_fkey; DROP INDEX project_lao;"
    "$BENCH" national-copy projects "$np" "$laos"
    echo "CREATE INDEX project_lao ON project (lao_code, plan_year);
          ALTER TABLE project ADD CONSTRAINT project_lao_code_fkey FOREIGN KEY (lao_code) REFERENCES lao (code) ON UPDATE CASCADE;
          COMMIT;"; } | pgn_psql
  t_proj=$(pgn_since "$t0"); t0=$(pgn_now)
  { echo "BEGIN; TRUNCATE pin; ALTER TABLE pin DROP CONSTRAINT pin_project_code_fkey; DROP INDEX pin_geom;"
    "$BENCH" national-copy pins "$np" "$npins" "$laos"
    echo "CREATE INDEX pin_geom ON pin USING gist (geom);
          ALTER TABLE pin ADD CONSTRAINT pin_project_code_fkey FOREIGN KEY (project_code) REFERENCES project (code) ON UPDATE CASCADE ON DELETE CASCADE;
          COMMIT;"; } | pgn_psql
  t_pin=$(pgn_since "$t0"); t0=$(pgn_now)
  pgn_psql -c "VACUUM ANALYZE lao" -c "VACUUM ANALYZE project" -c "VACUUM ANALYZE pin"
  t_an=$(pgn_since "$t0")
  pgn_psql -c "CREATE TABLE bench_national AS SELECT $np::bigint AS projects, $npins::bigint AS pins,
      (SELECT count(*) FROM lao) AS laos, (SELECT count(*) FROM tambon) AS tambons, $t_init AS init_s, $t_lao AS lao_s,
      $t_proj AS project_s, $t_pin AS pin_s, $t_an AS analyze_s, now() AS built_at,
      pg_database_size(current_database()) AS bytes"
}

# pgnational-load: the fixture's load, then eplan store copy (SQLite → PostgreSQL) against
# ogr2ogr's PostgreSQL driver (COPY) on the same tables of the same SQLite store.
bench_pgnational-load() {
  echo "== national fixture on PostgreSQL + PostGIS (scale $PGN_SCALE), loaded with COPY, one transaction per table"
  pgn_fixture
  pgn_psql -F ' ' -c "SELECT projects, pins, laos, tambons, init_s, lao_s, project_s, pin_s, analyze_s, to_char(built_at, 'YYYY-MM-DD\"T\"HH24:MI'), round(bytes / 1e9, 1) FROM bench_national" |
    while read -r np npins laos tambons ti tl tp tg ta when gb _; do
      echo "   built $when: $tambons tambons, $laos LAOs (a synthetic อบต. per tambon + Tak's registry), $np projects, $npins current pins; database $gb GB"
      echo "   eplan init --national, then the LAOs and their plans: $(python3 -c "import sys; print(float(sys.argv[1]) + float(sys.argv[2]))" "$ti" "$tl") s"
      echo "   COPY project: $np rows in ${tp} s = $(pgn_rate "$np" "$tp") rows/s, the lao index and foreign key built after it (generator and server on the same 2 cores)"
      echo "   COPY pin:     $npins rows in ${tg} s = $(pgn_rate "$npins" "$tg") rows/s, the GiST index and foreign key built after it"
      echo "   VACUUM ANALYZE: ${ta} s"
    done
  local n=${PGNATIONAL_COPY_N:-100000} db="$out/pgnational-copy.sqlite"
  echo "== bulk load SQLite → PostgreSQL: eplan store copy vs ogr2ogr -f PostgreSQL (COPY), the export fixture with $n pinned projects"
  if [ "$(sqlite3 "$db" 'SELECT count(*) FROM pin WHERE is_current = 1' 2>/dev/null || true)" != "$n" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    "$EPLAN" init --db "$db" >/dev/null
    "$BENCH" export-fixture "$db" "$n" >/dev/null
  fi
  local tables="province amphoe tambon boundary_import lao lao_tambon dev_plan project pin" rows=0 t
  for t in $tables; do rows=$((rows + $(sqlite3 "$db" "SELECT count(*) FROM $t"))); done
  for t in eplan_copy eplan_ogr; do "$PGN_BIN/dropdb" -h "$PGN_DIR" --if-exists "$t"; "$PGN_BIN/createdb" -h "$PGN_DIR" "$t"; done
  PGN_DATABASE=eplan_ogr pgn_psql -c "CREATE EXTENSION postgis"
  measure_rss "$out/time-pgn-copy.txt" "$EPLAN" store copy "$db" "postgresql:///eplan_copy?host=$PGN_DIR" >/dev/null
  # shellcheck disable=SC2086
  measure_rss "$out/time-pgn-ogr.txt" ogr2ogr -f PostgreSQL "PG:host=$PGN_DIR dbname=eplan_ogr" "$db" -oo LIST_ALL_TABLES=YES \
    -lco GEOMETRY_NAME=geom $tables >/dev/null
  local got; got=$(PGN_DATABASE=eplan_ogr pgn_psql -c "SELECT $(for t in $tables; do printf "(SELECT count(*) FROM %s) + " "$t"; done) 0")
  local ew ow
  ew=$(wall_s "$out/time-pgn-copy.txt"); ow=$(wall_s "$out/time-pgn-ogr.txt")
  echo "   eplan store copy: $rows rows in $ew s = $(pgn_rate "$rows" "$ew") rows/s, client CPU $(pgn_cpu "$out/time-pgn-copy.txt") s, peak RSS $(rss_mb "$out/time-pgn-copy.txt") MB (keys, foreign keys, checks, GiST)"
  echo "   ogr2ogr:          $got rows in $ow s = $(pgn_rate "$got" "$ow") rows/s, client CPU $(pgn_cpu "$out/time-pgn-ogr.txt") s, peak RSS $(rss_mb "$out/time-pgn-ogr.txt") MB (plain tables + GiST, no keys)"
  echo "   ratio (ogr2ogr time / eplan time): $(ratio "$ow" "$ew")x"
  for t in eplan_copy eplan_ogr; do "$PGN_BIN/dropdb" -h "$PGN_DIR" --if-exists "$t"; done
}

# The export's rows and columns in SQL (as bench_export's), for ogr2ogr and tipg's view.
pgn_export_sql="SELECT p.code AS code, p.lao_code AS lao_code, l.name_th AS lao_name_th, l.name_en AS lao_name_en,
    l.amphoe_code AS amphoe_code, a.name_th AS amphoe_th, l.province_code AS province_code, v.name_th AS province_th,
    p.plan_year AS plan_year, p.plan_year - 543 AS plan_year_ce, p.name_th AS name_th, p.strategy AS strategy,
    p.kind AS kind, p.budget AS budget, p.funding AS funding,
    CASE WHEN p.completed_on IS NOT NULL OR p.progress >= 100 THEN 'completed'
         WHEN p.disbursed_on IS NOT NULL OR p.disbursed_amount > 0 THEN 'disbursed'
         WHEN p.contract_signed_on IS NOT NULL OR p.contract_amount IS NOT NULL THEN 'contracted'
         WHEN p.budget_approved_on IS NOT NULL THEN 'budget-approved'
         WHEN p.plan_approved_on IS NOT NULL THEN 'plan-approved' ELSE 'planned' END AS stage,
    p.plan_approved_on AS plan_approved_on, p.budget_approved_on AS budget_approved_on,
    p.contract_signed_on AS contract_signed_on, p.contract_amount AS contract_amount,
    p.disbursed_amount AS disbursed_amount, p.disbursed_on AS disbursed_on, p.progress AS progress,
    p.completed_on AS completed_on, g.status AS pin_status, g.version AS pin_version, g.pinned_at AS pinned_at,
    g.pinned_by AS pinned_by, p.synthetic AS synthetic, g.geom AS geom
    FROM pin g JOIN project p ON p.code = g.project_code LEFT JOIN lao l ON l.code = p.lao_code
    LEFT JOIN amphoe a ON a.code = l.amphoe_code LEFT JOIN province v ON v.code = l.province_code
    WHERE g.is_current = 1"

bench_pgnational-export() {
  pgn_fixture
  local n; n=$(pgn_psql -c "SELECT count(*) FROM pin WHERE is_current = 1")
  echo "== export of all $n current pins (scale $PGN_SCALE) from PostgreSQL to RFC 7946 GeoJSON: eplan export vs ogr2ogr -f GeoJSON from the same database"
  rm -f "$out/pgn-eplan.geojson" "$out/pgn-ogr.geojson"
  measure_rss "$out/time-pgn-export.txt" "$EPLAN" export geojson --db "$PGN_URL" --out "$out/pgn-eplan.geojson"
  measure_rss "$out/time-pgn-ogrexport.txt" ogr2ogr -f GeoJSON -lco RFC7946=YES "$out/pgn-ogr.geojson" \
    "PG:host=$PGN_DIR dbname=$PGN_DB" -sql "$pgn_export_sql ORDER BY p.code"
  local fe fo ew ow
  fe=$(grep -c '^{"type":"Feature"' "$out/pgn-eplan.geojson" || true); fo=$(grep -c '^{ "type": "Feature"' "$out/pgn-ogr.geojson" || true)
  ew=$(wall_s "$out/time-pgn-export.txt"); ow=$(wall_s "$out/time-pgn-ogrexport.txt")
  echo "   features written: eplan $fe ($(du -m "$out/pgn-eplan.geojson" | cut -f1) MB), ogr2ogr $fo ($(du -m "$out/pgn-ogr.geojson" | cut -f1) MB)"
  # The client's CPU beside the wall time: the rest of the wall time is the server's query and waiting for a core.
  echo "   eplan export: $ew s, $(pgn_rate "$n" "$ew") features/s, client CPU $(pgn_cpu "$out/time-pgn-export.txt") s, peak RSS $(rss_mb "$out/time-pgn-export.txt") MB"
  echo "   ogr2ogr:      $ow s, $(pgn_rate "$n" "$ow") features/s, client CPU $(pgn_cpu "$out/time-pgn-ogrexport.txt") s, peak RSS $(rss_mb "$out/time-pgn-ogrexport.txt") MB"
  echo "   ratio (ogr2ogr time / eplan time): $(ratio "$ow" "$ew")x; peak memory $(ratio "$(rss_mb "$out/time-pgn-export.txt")" "$(rss_mb "$out/time-pgn-ogrexport.txt")") of ogr2ogr's"
  rm -f "$out/pgn-eplan.geojson" "$out/pgn-ogr.geojson"
}

# tipg (PyPI, FastAPI + asyncpg) serving the same database: a view with the export's
# columns, one row per current point pin, keyed by the project code.
pgn_tipg_start() {
  local venv="$out/tipg-venv" port=$1
  if [ ! -x "$venv/bin/uvicorn" ]; then
    { python3 -m pip install -q virtualenv && python3 -m virtualenv -q -p /usr/bin/python3 "$venv" && "$venv/bin/pip" install -q tipg uvicorn; } >/dev/null 2>&1 \
      || { echo "   tipg: could not be installed"; return 1; }
  fi
  pgn_psql -c "CREATE SCHEMA IF NOT EXISTS tipg_bench;
    CREATE OR REPLACE VIEW tipg_bench.project_points AS
      ${pgn_export_sql/SELECT p.code AS code/SELECT g.project_code AS code} AND GeometryType(g.geom) = 'POINT'"
  # Its production set-up: uvicorn, one worker per core; the extents are not computed at start.
  # asyncpg takes the socket's folder as the URL's host, percent-encoded (pydantic refuses an empty host).
  local socket; socket=$(python3 -c "import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=''))" "$PGN_DIR")
  DATABASE_URL="postgresql://$(id -un)@$socket/$PGN_DB" TIPG_DB_SCHEMAS='["tipg_bench"]' \
    TIPG_DB_SPATIAL_EXTENT=false TIPG_DB_DATETIME_EXTENT=false TIPG_TABLE_CONFIG__tipg_bench_project_points__PK=code \
    setsid "$venv/bin/uvicorn" tipg.main:app --host 127.0.0.1 --port "$port" --workers 2 --log-level warning > "$out/tipg.log" 2>&1 &
  tipg_pid=$!
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/collections/tipg_bench.project_points" >/dev/null && return; sleep 0.3; done
  echo "   tipg did not answer (see $out/tipg.log)"; kill -- "-$tipg_pid" 2>/dev/null; return 1
}

bench_pgnational-ogc() {
  pgn_fixture
  # tipg counts every match for every page (numberMatched): a few pages suffice to compare.
  local pages=${PGNATIONAL_OGC_PAGES:-5} bbox=98.5,16.5,99.0,17.0 port=5058 n deep
  n=$(pgn_psql -c "SELECT count(*) FROM pin WHERE is_current = 1")
  deep=$(( n / 1000 * 3 / 4 ))
  echo "== OGC API - Features items over HTTP on PostgreSQL ($n pins, scale $PGN_SCALE), one keep-alive client, pages of 1,000 parsed: eplan serve vs tipg"
  pgn_tipg_start "$port" || return 0
  serve_ogc "$PGN_URL" "$out/pgn-ogc-serve.log"
  local e="$ogc_base/collections/project-points/items?limit=1000" t="http://127.0.0.1:$port/collections/tipg_bench.project_points/items?f=geojson&limit=1000"
  # Page $deep: eplan's next token is the last code of the page before; tipg's is an offset.
  local after token
  after=$(pgn_psql -c "SELECT project_code FROM pin WHERE is_current = 1 AND GeometryType(geom) = 'POINT' ORDER BY project_code OFFSET $(( (deep - 1) * 1000 - 1 )) LIMIT 1")
  token=$(python3 -c "import base64,sys; print(base64.urlsafe_b64encode(('c:' + sys.argv[1]).encode()).decode().rstrip('='))" "$after")
  local name url
  for name in eplan tipg; do
    if [ $name = eplan ]; then url=$e; else url=$t; fi
    python3 scripts/bench.d/ogc_items.py walk "$url" "$pages" > "$out/pgn-ogc-$name-first.json"
    # The box's pages twice, the second timed: the first run reads the box's pins and
    # projects into the page cache, and whoever came second (tipg) found them there.
    python3 scripts/bench.d/ogc_items.py walk "$url&bbox=$bbox" > /dev/null
    python3 scripts/bench.d/ogc_items.py walk "$url&bbox=$bbox" > "$out/pgn-ogc-$name-bbox.json"
    python3 scripts/bench.d/ogc_items.py time "$url" 3 > "$out/pgn-ogc-$name-page1.json"
    if [ $name = eplan ]; then url="$e&next=$token"; else url="$t&offset=$(( (deep - 1) * 1000 ))"; fi
    python3 scripts/bench.d/ogc_items.py time "$url" 2 > "$out/pgn-ogc-$name-deep.json"
  done
  kill "$ogc_pid"; wait "$ogc_pid" 2>/dev/null || true
  kill -- "-$tipg_pid" 2>/dev/null; wait "$tipg_pid" 2>/dev/null || true
  python3 - "$out" "$pages" "$deep" <<'PY'
import json, sys
out, pages, deep = sys.argv[1], sys.argv[2], sys.argv[3]
d = {(n, w): json.load(open(f"{out}/pgn-ogc-{n}-{w}.json")) for n in ("eplan", "tipg") for w in ("first", "bbox", "page1", "deep")}
for w, label in [("first", f"first {pages} pages of the collection"), ("bbox", "bbox 98.5,16.5,99.0,17.0, every page (second walk: caches warm for both)")]:
    e, t = d["eplan", w], d["tipg", w]
    fe, ft = e["features"] / e["seconds"], t["features"] / t["seconds"]
    print(f"   {label}: eplan {e['features']} features in {e['seconds']:.2f} s = {fe:,.0f}/s; tipg {t['features']} in {t['seconds']:.2f} s = {ft:,.0f}/s;"
          f" ratio {fe / ft:.2f}x   target >= 3x")
for w, label in [("page1", "page 1"), ("deep", f"page {deep}")]:
    e, t = d["eplan", w]["median_s"], d["tipg", w]["median_s"]
    print(f"   {label} (median): eplan {e * 1000:.0f} ms, tipg {t * 1000:.0f} ms; ratio {t / e:.2f}x")
PY
}

# pgn_cpu_snapshot PID…: "CPU seconds of PIDs, WAL flushes so far, then pid:CPU seconds of
# each backend of the fixture database" (backends are compared pid by pid: others come and go).
pgn_cpu_snapshot() {
  local wal; wal=$(pgn_psql -c "SELECT wal_sync FROM pg_stat_wal")
  python3 - "$wal" "$@" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    try: f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError: return 0.0
    return (int(f[11]) + int(f[12])) / tick
backends = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try: cmd = open(f"/proc/{pid}/cmdline").read()
    except OSError: continue
    if cmd.startswith("postgres: ") and " eplan_national " in cmd:
        backends.append(f"{pid}:{cpu(pid):.2f}")
print(f"{sum(cpu(p) for p in sys.argv[2:]):.2f} {sys.argv[1]} " + " ".join(backends))
PY
}

# pgnational-pins: the service fixture on the national database (a province account and
# bearer token for each of 16 provinces; projects of theirs drawn at random, located at their
# LAO's point on surface), two eplan serve processes, wrk with 64 connections split between them.
bench_pgnational-pins() {
  pgn_fixture
  local secs=${SERVE_SECONDS:-20} np
  np=$(pgn_psql -c "SELECT projects FROM bench_national")
  echo "== durable pin submissions: 64 wrk connections over two eplan serve processes on one PostgreSQL database ($np projects, scale $PGN_SCALE), ${secs} s"
  if [ ! -s "$out/pgn-pins.lua" ] || [ "$(pgn_psql -c "SELECT count(*) FROM account_token")" = 0 ]; then
    pgn_psql -c "DELETE FROM account_token; DELETE FROM account_session; DELETE FROM account_audit; DELETE FROM account"
    local prov
    : > "$out/pgn-tokens.txt"
    # A province account each (two eplan processes per account: the first PGNATIONAL_PROVINCES, 16 of 77).
    local provs; provs=$(pgn_psql -c "SELECT code FROM province ORDER BY code LIMIT ${PGNATIONAL_PROVINCES:-16}")
    for prov in $provs; do
      echo "bench-password-$prov" | "$EPLAN" users add "bp$prov" --role province --province "$prov" --password-stdin --db "$PGN_URL" >/dev/null
      echo "$prov $("$EPLAN" tokens create "bp$prov" --db "$PGN_URL" 2>/dev/null)" >> "$out/pgn-tokens.txt"
    done
    pgn_psql -F , -c "SELECT p.code, l.province_code, ST_Y(ST_PointOnSurface(l.geom)), ST_X(ST_PointOnSurface(l.geom))
        FROM project p TABLESAMPLE SYSTEM (1) REPEATABLE (20161003) JOIN lao l ON l.code = p.lao_code
        WHERE l.province_code IN ($(printf "'%s'," $provs | sed 's/,$//')) LIMIT 20000" > "$out/pgn-pin-points.csv"
    python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
tokens = dict(line.split() for line in open(f"{out}/pgn-tokens.txt"))
rows = [(c, p, float(y), float(x)) for c, p, y, x in csv.reader(open(f"{out}/pgn-pin-points.csv"))]
items = [("POST", f"/api/v1/projects/{c}/pins", json.dumps({"location": f"{y:.7f}, {x:.7f}"}), tokens[p]) for c, p, y, x in rows]
open(f"{out}/pgn-pins.lua", "w").write("return {\n" + ",\n".join("{%s}" % ", ".join(json.dumps(v) for v in it) for it in items) + "\n}\n")
PY
  fi
  local before after pids=() ports=() i log url
  before=$(pgn_psql -c "SELECT count(*) FROM pin")
  for i in 1 2; do
    log="$out/pgn-serve-$i.log"
    "$EPLAN" serve --db "$PGN_URL" --listen 127.0.0.1:0 >"$log" 2>&1 &
    pids+=($!)
    url=""
    for _ in $(seq 100); do url=$(grep -o 'http://[0-9.]*:[0-9]*' "$log" | head -1 || true); [ -n "$url" ] && break; sleep 0.1; done
    [ -n "$url" ] || { cat "$log"; kill "${pids[@]}"; return 1; }
    ports+=("${url##*:}")
  done
  # Steady state: each server answers one request first (its boundaries in memory are built
  # at start, a second or two nationally, and the first requests would wait for them).
  local warm; warm=$(head -1 "$out/pgn-tokens.txt" | cut -d' ' -f2)
  for i in 0 1; do curl -sf -o /dev/null -H "Authorization: Bearer $warm" "http://127.0.0.1:${ports[$i]}/api/v1/where?at=16.7,98.5" || true; done
  # Where the time goes: CPU seconds of both servers and of the database's backends, WAL flushes.
  local cpu0 cpu1
  cpu0=$(pgn_cpu_snapshot "${pids[@]}")
  EPLAN_PORTS="${ports[*]}" wrk -t2 -c64 -d"${secs}s" --timeout 10s -s scripts/bench.d/serve.lua "http://127.0.0.1:${ports[0]}" -- "$out/pgn-pins.lua" > "$out/wrk-pgn-pins.txt"
  cpu1=$(pgn_cpu_snapshot "${pids[@]}")
  kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
  after=$(pgn_psql -c "SELECT count(*) FROM pin")
  grep '^WRKJSON ' "$out/wrk-pgn-pins.txt" | sed 's/^WRKJSON //' > "$out/wrk-pgn-pins.json"
  python3 - "$out/wrk-pgn-pins.json" "$((after - before))" "$(nproc)" "$(pgn_psql -c "SHOW synchronous_commit") $(pgn_psql -c "SHOW fsync")" "$cpu0" "$cpu1" "$secs" <<'PY'
import json, sys
w, stored, cores, durable = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3], sys.argv[4].split()
def snap(text):
    s, f, *b = text.split()
    return float(s), float(f), {k: float(v) for k, v in (x.split(":") for x in b)}
(s0, f0, b0), (s1, f1, b1), secs = snap(sys.argv[5]), snap(sys.argv[6]), float(sys.argv[7])
p0, p1 = 0.0, sum(v - b0.get(k, 0.0) for k, v in b1.items())
rate = w["requests"] / w["seconds"]
print(f"   synchronous_commit={durable[0]}, fsync={durable[1]}: a 201 means the pin is on disk")
print(f"   two eplan serve, 64 connections: {rate:,.0f} pins/s, p50 {w['p50_us']/1000:.1f} ms, p99 {w['p99_us']/1000:.1f} ms, max {w['max_us']/1000:.0f} ms;"
      f" {w['requests']} answered, {w['non2xx']} not 201, {w['socket_errors']} socket errors; {stored} pins stored")
if stored:
    print(f"   CPU per stored pin: eplan serve {(s1 - s0) / stored * 1000:.1f} ms, PostgreSQL backends {(p1 - p0) / stored * 1000:.1f} ms;"
          f" the two servers used {(s1 - s0) / secs:.2f} cores and the database {(p1 - p0) / secs:.2f} of {cores} (load average {open('/proc/loadavg').read().split()[0]});"
          f" {f1 - f0:.0f} WAL flushes ({stored / max(f1 - f0, 1):.1f} pins each)")
print(f"   target >= 5,000 pins/s on {cores} cores (database, both servers and wrk on the same machine): {'met' if rate >= 5000 else 'NOT met'}")
PY
}
