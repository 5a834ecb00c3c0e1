"""Makes the search ranker's sample exports in exports/: long ("tidy") metric exports, one row
per (minute, variant, metric), as a metrics store such as Prometheus or BigQuery exports them.

Plain Python, seeded:  python3 generate.py
"""
import csv
import random
from datetime import datetime, timedelta, timezone


def export(name, start, minutes, ndcg_shift=0.0, latency_factor=1.0):
    rng = random.Random(name)
    with open(f"exports/{name}", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["timestamp", "variant", "metric", "value"])
        for m in range(minutes):
            ts = (start + timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%SZ")
            for variant in ("ranker-v7", "ranker-v8"):
                cand = variant == "ranker-v8"
                ndcg = rng.gauss(0.612 + (0.009 + ndcg_shift if cand else 0), 0.015)
                ctr = rng.gauss(0.081 + (0.002 if cand else 0), 0.004)
                latency = rng.gauss(310 * (latency_factor if cand else 1) + (12 if cand else 0), 25)
                w.writerow([ts, variant, "ndcg_at_10", round(ndcg, 4)])
                w.writerow([ts, variant, "ctr", round(ctr, 5)])
                w.writerow([ts, variant, "latency_p99_ms", round(latency, 1)])
                # Safety classifier flags on the answers; empty when the flagger was down.
                w.writerow([ts, variant, "unsafe_answer", "" if m % 97 == 13 else int(rng.random() < 0.0004)])


day = datetime(2026, 4, 7, tzinfo=timezone.utc)
export("shadow.csv", day.replace(hour=9), 180)
export("eu.csv", day.replace(hour=12), 240)
export("global.csv", day.replace(hour=16), 120)
