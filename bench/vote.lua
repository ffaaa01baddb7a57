-- bench/vote.lua: wrk script posting "Did this help?" votes.  DALEEL_SLUG
-- and DALEEL_TOKEN (the article's form token, fetched by bench/http.sh)
-- name the article; each request has its own User-Agent, so each is a new
-- visitor and a new row (no deduplication).  Prints
-- "RESULT requests/s p50_ms p99_ms errors" at the end.
-- SPDX-License-Identifier: GPL-2.0-or-later
local slug = os.getenv("DALEEL_SLUG")
local token = os.getenv("DALEEL_TOKEN")
local n = 0
local threads = 0

-- Runs in wrk's main state: give every thread its own visitor prefix.
setup = function(thread)
  threads = threads + 1
  thread:set("id", tostring(os.time()) .. "-" .. threads)
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local body = "slug=" .. urlencode(slug) .. "&token=" .. urlencode(token) ..
  "&vote=no&reason=outdated&comment=bench"

request = function()
  n = n + 1
  return wrk.format("POST", "/feedback", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["User-Agent"] = "wrk-" .. id .. "-" .. n,
  }, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
