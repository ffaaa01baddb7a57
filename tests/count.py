"""Add up the "N passed, N failed" lines of meson's test log.

A test whose output has no such line counts as one check (passed or failed
by its result); a failed test whose line reports no failure (a crash after
printing, a sanitizer report at exit) counts one failure more.
Prints "P F".
SPDX-License-Identifier: GPL-2.0-or-later
"""
import json
import re
import sys

LINE = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed", re.M)
passed = failed = 0
try:
    with open(sys.argv[1]) as f:
        entries = [json.loads(line) for line in f if line.strip()]
except OSError:
    entries = []
    failed += 1
for e in entries:
    ok = e.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
    m = LINE.findall(e.get("stdout", "") or "")
    p, f = (int(m[-1][0]), int(m[-1][1])) if m else (1 if ok else 0, 0 if ok else 1)
    if not ok and f == 0:
        f = 1
    passed += p
    failed += f
print(passed, failed)
