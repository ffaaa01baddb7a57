-- bench/get.lua: wrk script for one fixed URL (an article page, a static
-- file); prints "RESULT requests/s p50_ms p99_ms errors" at the end.
-- SPDX-License-Identifier: GPL-2.0-or-later
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
