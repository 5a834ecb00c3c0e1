#!/usr/bin/python3
"""The peer: what an ML engineer would write with pandas + scikit-learn.

Per variant accuracy, weighted recall, weighted F1 and p95 latency of a prediction log,
printed as JSON {"41": {"accuracy": ..., ...}, "42": {...}}.
Usage: /usr/bin/python3 src/bench/peer.py LOG.csv
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, recall_score

df = pd.read_csv(sys.argv[1])
out = {}
for version, g in df.groupby("model_version"):
    out[str(version)] = {
        "accuracy": accuracy_score(g["y_true"], g["y_pred"]),
        "recall": recall_score(g["y_true"], g["y_pred"], average="weighted"),
        "f1": f1_score(g["y_true"], g["y_pred"], average="weighted"),
        "latency_p95": float(np.percentile(g["latency_ms"], 95)),
        "rows": int(len(g)),
    }
print(json.dumps(out))
