"""Makes the fraud-late-labels example: exports/predictions.csv, two days of predictions of both
model versions, each with a request_id and no label, and labels/, the chargebacks and reviews
that arrive later: day-1.csv holds the labels of about 60 % of the first day's predictions,
day-2.csv.gz (gzipped) most of the rest. The first day's predictions are the mature ones
(maturity: 24h, evaluated at 2026-03-03T00:00Z).

Plain Python, seeded, so the files are the same on every machine:  python3 generate.py
"""
import csv
import gzip
import io
import math
import random
from datetime import datetime, timedelta, timezone

BASELINE, CANDIDATE = "fraud-v7", "fraud-v8"
START = datetime(2026, 3, 1, tzinfo=timezone.utc)

rng = random.Random(17)
predictions = []
labels = []
for i in range(4000):
    version = BASELINE if i % 2 == 0 else CANDIDATE
    ts = START + timedelta(seconds=rng.uniform(0, 48 * 3600))
    fraud = rng.random() < 0.2
    shift = 1.2 if version == CANDIDATE else 1.0
    z = rng.gauss(shift if fraud else -shift, 0.9)
    score = round(1 / (1 + math.exp(-2 * z)), 3)
    request = f"req-{i:05d}"
    predictions.append((ts, request, version, int(score >= 0.5), score, round(rng.lognormvariate(4.2, 0.4), 1)))
    labels.append((request, int(fraud), ts))
predictions.sort(key=lambda r: r[0])

with open("exports/predictions.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["ts", "request_id", "model_version", "flagged", "fraud_score", "latency_ms"])
    for ts, *rest in predictions:
        w.writerow([ts.strftime("%Y-%m-%dT%H:%M:%SZ"), *rest])

rng.shuffle(labels)
day1, day2 = [], []
for request, fraud, ts in labels:
    r = rng.random()
    if r < 0.6:
        day1.append((request, fraud))
    elif r < 0.93:
        day2.append((request, fraud))

with open("labels/day-1.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["request_id", "is_fraud"])
    w.writerows(day1)
text = io.StringIO()
w = csv.writer(text, lineterminator="\n")
w.writerow(["request_id", "is_fraud"])
w.writerows(day2)
with open("labels/day-2.csv.gz", "wb") as f:
    # mtime 0: the same bytes on every run.
    f.write(gzip.compress(text.getvalue().encode(), mtime=0))
