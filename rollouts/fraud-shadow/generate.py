"""Makes the shadow rollout's sample exports in exports/: what a serving system logs when the
candidate runs beside the baseline before any label exists (no is_fraud column at all).

- shadow.csv: every request scored by both versions (the candidate's answers discarded);
  the candidate's scores stay close to the baseline's.
- shadow-drifted.csv: the same, but the candidate scores everything higher (a broken feature).
- canary-5.csv: the candidate answers 5 % of requests; the baseline still scores every request,
  its decision kept as the reference, so 5 of every 105 rows are the candidate's.
- canary-5-wrong-split.csv: the router sends the candidate 12 % of requests instead of 5 %.

Plain Python, seeded, so the files are the same on every machine:  python3 generate.py
"""
import csv
import math
import random
from datetime import datetime, timedelta, timezone

BASELINE, CANDIDATE = "41", "42"


def requests(rng, start, n, candidate_share, shadow, score_shift=0.0):
    out = []
    for i in range(n):
        ts = start + timedelta(seconds=rng.uniform(0, 40 * 60))
        request = "req-%s-%05d" % (start.strftime("%H%M"), i)
        z = rng.gauss(-1.3, 1.0) if rng.random() > 0.08 else rng.gauss(1.2, 0.9)
        base = 1 / (1 + math.exp(-2 * z))
        out.append((ts, request, BASELINE, base, rng.lognormvariate(math.log(70), 0.45)))
        if shadow or rng.random() < candidate_share:
            cand = min(1.0, max(0.0, base + rng.gauss(0, 0.015) + score_shift))
            out.append((ts + timedelta(milliseconds=5), request, CANDIDATE, cand, rng.lognormvariate(math.log(73), 0.45)))
    out.sort(key=lambda r: r[0])
    return out


def write(name, rows):
    with open(f"exports/{name}", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ts", "request_id", "model_version", "fraud_score", "flagged", "latency_ms"])
        for ts, request, version, score, latency in rows:
            w.writerow([ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z", request, version, "%.3f" % score,
                        int(score >= 0.5), "%.1f" % latency])


rng = random.Random(16)
shadow = datetime(2026, 3, 2, 8, 10, tzinfo=timezone.utc)
canary = datetime(2026, 3, 2, 10, 10, tzinfo=timezone.utc)
write("shadow.csv", requests(rng, shadow, 2000, 1.0, True))
write("shadow-drifted.csv", requests(rng, shadow, 2000, 1.0, True, score_shift=0.12))
write("canary-5.csv", requests(rng, canary, 4000, 0.05, False))
write("canary-5-wrong-split.csv", requests(rng, canary, 4000, 0.12, False))
