-- wrk script for single-event ingest (bench/ingest.sh): POST one page_view per request, with the
-- same bodies as LoadGen's Payloads (visitor v<0..visitors-1>, url https://example.com/p/<0..9999>,
-- title Bench), and a RESULT line in LoadGen's format at the end.
--
-- Environment: BENCH_KEY (API key; none for the bare server), BENCH_VISITORS (10000),
-- BENCH_CONNECTIONS and BENCH_URL (only echoed in the RESULT line).

local key = os.getenv("BENCH_KEY") or ""
local visitors = tonumber(os.getenv("BENCH_VISITORS") or "10000")
local pages = 10000
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (id or 0))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if key ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. key
  end
end

function request()
  local body = '{"event_type":"page_view","visitor_id":"v' .. math.random(0, visitors - 1)
      .. '","data":{"url":"https://example.com/p/' .. math.random(0, pages - 1)
      .. '","title":"Bench"}}'
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local failures = e.connect + e.read + e.write + e.timeout
  local ok = summary.requests - e.status
  local function ms(p)
    return latency:percentile(p) / 1000
  end
  io.write(string.format(
      "RESULT mode=single connections=%s batch_size=1 duration_s=%.2f requests=%d ok=%d errors=%d failures=%d "
          .. "rps=%.1f events_per_s=%.1f rejected_events=0 p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f "
          .. "max_ms=%.3f url=%s\n",
      os.getenv("BENCH_CONNECTIONS") or "?", seconds, summary.requests, ok, e.status, failures,
      summary.requests / seconds, ok / seconds, ms(50), ms(90), ms(99), ms(99.9), latency.max / 1000,
      os.getenv("BENCH_URL") or "?"))
end
