"""Makes the sample exports of the two examples that share classifier.yaml: churn-model and
spam-filter, one prediction log each per stage, as a serving job writes them.

Plain Python, seeded:  python3 generate.py   (from rollouts/metrics)
"""
import csv
import random
from datetime import datetime, timedelta, timezone


def export(path, time_column, baseline, candidate, start, rows, latency_shift=0.0, errors=0.004):
    rng = random.Random(path)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([time_column, "model_version", "label", "predicted", "score", "latency_ms", "is_error"])
        for i in range(rows):
            ts = (start + timedelta(seconds=12 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            for version in (baseline, candidate):
                cand = version == candidate
                label = int(rng.random() < 0.3)
                right = rng.random() < (0.91 if cand else 0.88)
                predicted = label if right else 1 - label
                score = min(1.0, max(0.0, rng.gauss(0.75 if predicted else 0.25, 0.15)))
                latency = max(5.0, rng.gauss(70 + (latency_shift if cand else 0), 18))
                w.writerow([ts, version, label, predicted, round(score, 4), round(latency, 1), int(rng.random() < errors)])


start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
export("../churn-model/exports/canary-5.csv", "ts", "7", "8", start, 300)
export("../churn-model/exports/canary-50.csv", "ts", "7", "8", start + timedelta(hours=3), 300)
export("../spam-filter/exports/shadow.csv", "received_at", "2025.11", "2026.02", start, 300)
export("../spam-filter/exports/shadow-slow.csv", "received_at", "2025.11", "2026.02", start, 300, latency_shift=180)
