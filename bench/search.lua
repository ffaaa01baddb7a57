-- bench/search.lua: wrk script that rotates English and Arabic queries over
-- the tldr corpus.  DALEEL_PATH picks the endpoint (default /api/search).
-- At the end it prints one line: "RESULT requests/s p50_ms p99_ms errors".
-- SPDX-License-Identifier: GPL-2.0-or-later
local queries = {
  "extract tar archive", "list files", "git commit", "compress a directory",
  "show running processes", "copy files over ssh", "change file permissions",
  "download a file", "search text in files", "docker container",
  "ضغط الملفات", "نسخ ملف", "عرض العمليات", "تغيير صلاحيات الملف",
  "البحث في النصوص", "تنزيل ملف", "قائمة الملفات", "أرشيف",
}

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local path = os.getenv("DALEEL_PATH") or "/api/search"
local n = 0

request = function()
  n = n + 1
  local q = queries[(n % #queries) + 1]
  return wrk.format("GET", path .. "?q=" .. urlencode(q))
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
