-- feedback.lua: the wrk script of bench/feedback_bench.py. It follows the peer harness's
-- bench.lua (../shared/peers/bench.lua: unique bodies, a count per HTTP status, one JSON
-- summary) and adds the two checks our scenarios need. Driven by environment variables:
--   BENCH_METHOD     GET (default) or POST
--   BENCH_BODY       form-encoded body; every "{n}" becomes a unique id (thread-count-tag)
--   BENCH_COOKIE     Cookie header (CSRF cookie and/or session)
--   BENCH_TAG        run tag used inside {n}
--   BENCH_EXPECT     the status that counts as success (303 for the POST, 200 for the GET)
--   BENCH_MARKER     a success must also contain this text in its body (the inbox table)
--   BENCH_LOCATIONS  file for the Location header of every success, one per line (the
--                    tracking links, to check that every acknowledged submission is stored)
--   BENCH_JSON_OUT   file for the JSON summary

local method    = os.getenv("BENCH_METHOD") or "GET"
local body_tpl  = os.getenv("BENCH_BODY")
local cookie    = os.getenv("BENCH_COOKIE")
local tag       = os.getenv("BENCH_TAG") or "t"
local expect    = tonumber(os.getenv("BENCH_EXPECT") or "200")
local marker    = os.getenv("BENCH_MARKER")
local loc_out   = os.getenv("BENCH_LOCATIONS")
local json_out  = os.getenv("BENCH_JSON_OUT")
if body_tpl == "" then body_tpl = nil end
if marker == "" then marker = nil end
if loc_out == "" then loc_out = nil end

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  ok = 0
  locations = {}
  n = 0
  wrk.method = method
  if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
  if body_tpl then wrk.headers["Content-Type"] = "application/x-www-form-urlencoded" end
end

if body_tpl then
  function request()
    n = n + 1
    local body = string.gsub(body_tpl, "{n}", tid .. "-" .. n .. "-" .. tag)
    return wrk.format(nil, nil, nil, body)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= expect then return end
  if marker and not string.find(body, marker, 1, true) then return end
  ok = ok + 1
  if loc_out then
    locations[#locations + 1] = headers["location"] or headers["Location"] or ""
  end
end

function done(summary, latency, requests)
  local agg, good = {}, 0
  local out = loc_out and io.open(loc_out, "w")
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses") or {}) do agg[k] = (agg[k] or 0) + v end
    good = good + (t:get("ok") or 0)
    if out then
      for _, loc in ipairs(t:get("locations") or {}) do out:write(loc, "\n") end
    end
  end
  if out then out:close() end
  local parts = {}
  for k, v in pairs(agg) do table.insert(parts, string.format('"%d": %d', k, v)) end
  local dur = summary.duration / 1e6
  local e = summary.errors
  local s = string.format(
    '{"requests": %d, "duration_s": %.3f, "bytes": %d, "rps": %.2f, "ok": %d, ' ..
    '"lat_ms": {"p50": %.2f, "p90": %.2f, "p99": %.2f, "max": %.2f, "mean": %.2f}, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"statuses": {%s}}',
    summary.requests, dur, summary.bytes, summary.requests / dur, good,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.timeout, table.concat(parts, ", "))
  if json_out and json_out ~= "" then
    local f = io.open(json_out, "w"); f:write(s .. "\n"); f:close()
  else
    print(s)
  end
end
