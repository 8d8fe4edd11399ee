-- wrk script for scripts/bench's servepin and servewhere workloads.
-- wrk -s serve.lua URL -- REQUESTS.lua: REQUESTS.lua returns a list of
-- {method, path, body-or-nil, bearer token}; each request is one of them at random.
-- With EPLAN_PORTS="8081 8082" (pgnational-pins), wrk's threads are spread over those
-- servers on 127.0.0.1, one each in turn: one wrk run (one latency histogram) loads them all.
local requests
local addrs, next_addr = {}, 0

function setup(thread)
  if #addrs == 0 then
    for port in string.gmatch(os.getenv("EPLAN_PORTS") or "", "%d+") do
      addrs[#addrs + 1] = wrk.lookup("127.0.0.1", port)[1]
    end
  end
  if #addrs > 0 then
    thread.addr = addrs[next_addr % #addrs + 1]
    next_addr = next_addr + 1
  end
end

function init(args)
  -- Each request's bytes made once here, not per request: wrk runs on the server's cores,
  -- and wrk.format per request cost wrk (so the server) CPU time the server's answer did not.
  requests = {}
  for i, r in ipairs(dofile(args[1])) do
    local headers = { ["Authorization"] = "Bearer " .. r[4] }
    if r[3] then headers["Content-Type"] = "application/json" end
    requests[i] = wrk.format(r[1], r[2], headers, r[3])
  end
  -- Each wrk thread has its own Lua state: seed each apart.
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + #requests)
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests_)
  -- One JSON line for the bench script: the percentiles in microseconds.
  io.write(string.format('WRKJSON {"requests":%d,"seconds":%f,"non2xx":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
