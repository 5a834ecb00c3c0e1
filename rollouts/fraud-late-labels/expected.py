"""Writes expected.json: what pandas and scikit-learn 1.2 make of generate.py's files when the
labels of day-1.csv are joined to the predictions at least 24 h old at 2026-03-03T00:00Z, per
model version. LabelsTest holds `rollout evaluate --labels labels/day-1.csv` to these.

Run with /usr/bin/python3 expected.py (pandas, scikit-learn).
"""
import json

import pandas as pd
from sklearn import metrics as skm

predictions = pd.read_csv("exports/predictions.csv")
labels = pd.read_csv("labels/day-1.csv")
mature = predictions[pd.to_datetime(predictions["ts"]) <= pd.Timestamp("2026-03-02T00:00:00Z")]
joined = mature.merge(labels, on="request_id")
out = {}
for version, g in joined.groupby("model_version"):
    out[version] = {
        "mature": int((mature["model_version"] == version).sum()),
        "labeled": int(len(g)),
        "recall": skm.recall_score(g["is_fraud"], g["flagged"]),
        "precision": skm.precision_score(g["is_fraud"], g["flagged"]),
        "auc": skm.roc_auc_score(g["is_fraud"], g["fraud_score"]),
        "brier": skm.brier_score_loss(g["is_fraud"], g["fraud_score"]),
    }
with open("expected.json", "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
