#!/usr/bin/python3
"""Reference values for calibration metrics and per-slice values (issue 17).

Seeded and deterministic. Writes, next to itself:
  slices.csv   predictions of two model versions with region, device, label, score, latency
  slices.json  per metric, variant and slice (pandas groupby over region and device), the value
               scikit-learn 1.2 / numpy compute, with the sample counts; "overall" for all rows

Run with /usr/bin/python3 src/test/resources/reference/slices.py (numpy, pandas, scikit-learn).
The spec that reads slices.csv is slices.yaml beside it.
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn import metrics as skm

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(1717)

rows = []
# (region, device, rows per variant, how much worse the candidate's scores are there)
cells = [("eu", "ios", 400, 0.0), ("eu", "android", 350, 0.0), ("us", "ios", 300, 0.0),
         ("us", "android", 380, 0.0), ("apac", "ios", 260, 0.35), ("apac", "android", 240, 0.35),
         ("latam", "ios", 12, 0.0)]
for region, device, n, worse in cells:
    for variant in ("v1", "v2"):
        y = rng.integers(0, 2, n)
        noise = rng.normal(0, 0.18, n)
        s = np.clip(np.where(y == 1, 0.72, 0.28) + noise, 0, 1)
        if variant == "v2" and worse:
            # The candidate's scores in this region drift towards the wrong side.
            s = np.clip(s + np.where(y == 1, -worse, worse), 0, 1)
        s = np.round(s, 4)
        latency = np.round(rng.gamma(4.0, 12.0, n) + (8.0 if variant == "v2" else 0.0), 3)
        for i in range(n):
            rows.append((variant, region, device, int(y[i]), s[i], latency[i]))

order = rng.permutation(len(rows))
rows = [rows[i] for i in order]
# A few exact 0 and 1 scores (log_loss clips them) and missing scores (left out of the score metrics only).
for i in range(0, len(rows), 97):
    v, r, d, y, s, lat = rows[i]
    rows[i] = (v, r, d, y, 1.0 if y else 0.0, lat)
missing = set(range(5, len(rows), 211))

with open(os.path.join(HERE, "slices.csv"), "w", newline="\n") as f:
    f.write("request_id,model_version,region,device,y_true,y_pred,fraud_score,latency_ms\n")
    for i, (v, r, d, y, s, lat) in enumerate(rows):
        score = "" if i in missing else repr(float(s))
        pred = "" if i in missing else str(int(s >= 0.5))
        f.write(f"r{i:05d},{v},{r},{d},{y},{pred},{score},{lat!r}\n")

df = pd.read_csv(os.path.join(HERE, "slices.csv"), keep_default_na=False, na_values=[""])


def ece(y, s):
    bins = np.minimum(np.floor(10 * s).astype(int), 9)
    total = 0.0
    for b in range(10):
        m = bins == b
        if m.any():
            total += m.sum() / len(s) * abs(y[m].mean() - s[m].mean())
    return float(total)


def values(g):
    scored = g[g["fraud_score"].notna()]
    y = scored["y_true"].to_numpy()
    s = scored["fraud_score"].to_numpy(dtype=float)
    pairs = g[g["y_pred"].notna()]
    out = {
        "rows": int(len(g)),
        "accuracy": {"value": float(skm.accuracy_score(pairs["y_true"], pairs["y_pred"].astype(int))),
                     "samples": int(len(pairs))},
        "recall": {"value": float(skm.recall_score(pairs["y_true"], pairs["y_pred"].astype(int), zero_division=0)),
                   "samples": int(len(pairs))},
        "latency_p95": {"value": float(np.percentile(g["latency_ms"].to_numpy(), 95)), "samples": int(len(g))},
    }
    if len(s):
        out["brier"] = {"value": float(skm.brier_score_loss(y, s, pos_label=1)), "samples": int(len(s))}
        out["log_loss"] = {"value": float(skm.log_loss(y, s, labels=[0, 1])), "samples": int(len(s))}
        out["ece"] = {"value": ece(y, s), "samples": int(len(s))}
    return out


expected = {"overall": {}, "slices": {}}
for variant, g in df.groupby("model_version"):
    expected["overall"][variant] = values(g)
for (region, device, variant), g in df.groupby(["region", "device", "model_version"]):
    expected["slices"].setdefault(f"region={region}, device={device}", {})[variant] = values(g)

with open(os.path.join(HERE, "slices.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
