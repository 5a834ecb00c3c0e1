"""Makes the fraud-regions example's export in exports/: one prediction log of a 10 % canary
in three regions, both model versions. The candidate catches more fraud in eu and us, and
much less in apac, where its new features are missing: averaged over all rows it looks better.

Plain Python, seeded, so the file is the same on every machine:  python3 generate.py
"""
import csv
import random
from datetime import datetime, timedelta, timezone

BASELINE, CANDIDATE = "fraud-v7", "fraud-v8"
START = datetime(2026, 3, 1, tzinfo=timezone.utc)
# region: (rows per variant, baseline recall, candidate recall)
REGIONS = {"eu": (900, 0.82, 0.93), "us": (900, 0.82, 0.93), "apac": (600, 0.82, 0.64)}

rng = random.Random(8)
out = []
for region, (n, base_recall, cand_recall) in REGIONS.items():
    for version, recall in ((BASELINE, base_recall), (CANDIDATE, cand_recall)):
        for _ in range(n):
            fraud = rng.random() < 0.3
            flagged = rng.random() < (recall if fraud else 0.04)
            # A score that agrees with the flag, a little noisy: brier and ece have something to measure.
            score = min(1.0, max(0.0, rng.gauss(0.8 if flagged else 0.12, 0.1)))
            ts = START + timedelta(seconds=rng.uniform(0, 6 * 3600))
            out.append((ts, version, region, int(fraud), int(flagged), round(score, 3), round(rng.lognormvariate(4.2, 0.4), 1)))
out.sort(key=lambda r: r[0])
with open("exports/canary.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["ts", "model_version", "region", "is_fraud", "flagged", "fraud_score", "latency_ms"])
    for ts, *rest in out:
        w.writerow([ts.strftime("%Y-%m-%dT%H:%M:%SZ"), *rest])
