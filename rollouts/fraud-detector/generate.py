"""Makes the fraud detector's sample exports in exports/: one prediction log per stage, as a
serving system would export them (one row per scored transaction, both model versions).

Plain Python, seeded, so the files are the same on every machine:  python3 generate.py
"""
import csv
import math
import random
from datetime import datetime, timedelta, timezone

BASELINE, CANDIDATE = "41", "42"


def rows(rng, start, hours, n_base, n_cand, latency_factor=1.0, error_rate=0.002):
    out = []
    for version, n in ((BASELINE, n_base), (CANDIDATE, n_cand)):
        for _ in range(n):
            ts = start + timedelta(seconds=rng.uniform(0, hours * 3600))
            fraud = rng.random() < 0.08
            # The candidate separates fraud from legitimate traffic a little better.
            shift = 1.15 if version == CANDIDATE else 0.9
            z = rng.gauss(shift if fraud else -shift, 0.9)
            score = round(1 / (1 + math.exp(-2 * z)), 2)  # two decimals: many ties, as real exports have
            latency = rng.lognormvariate(math.log(70 if version == BASELINE else 74), 0.45)
            if version == CANDIDATE:
                latency *= latency_factor
            out.append((ts, version, int(fraud), int(score >= 0.5), score, round(latency, 1),
                        int(rng.random() < error_rate)))
    out.sort(key=lambda r: r[0])
    return out


def write(name, data):
    with open(f"exports/{name}", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ts", "model_version", "is_fraud", "flagged", "fraud_score", "latency_ms", "is_error"])
        for ts, version, y, p, s, lat, err in data:
            w.writerow([ts.strftime("%Y-%m-%dT%H:%M:%SZ"), version, y, p, s, lat, err])


rng = random.Random(42)
day = datetime(2026, 3, 2, tzinfo=timezone.utc)
write("offline.csv", rows(rng, day.replace(hour=8), 1, 700, 700))
write("shadow.csv", rows(rng, day.replace(hour=9), 2, 700, 700))
write("canary-5.csv", rows(rng, day.replace(hour=11), 3, 1900, 200))
write("canary-25.csv", rows(rng, day.replace(hour=14), 7, 1500, 500))
write("canary-25-regressed.csv", rows(rng, day.replace(hour=14), 7, 1500, 500, latency_factor=2.6, error_rate=0.02))
write("full.csv", rows(rng, day.replace(hour=21), 3, 60, 1500))
