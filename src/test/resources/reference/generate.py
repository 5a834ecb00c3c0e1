"""Reference values from scikit-learn and numpy for rollout's metrics tests.

Writes predictions.csv (two variants; binary, three-class string and regression columns,
a score column with many ties, a latency column with empty and NaN cells, timestamps) and
expected.json with what scikit-learn 1.2.1 / numpy 1.24.2 compute per variant.
Run with Debian's Python (apt-get install python3-sklearn python3-pandas):

    cd src/test/resources/reference && /usr/bin/python3 generate.py
"""
import json
import numpy as np
import pandas as pd
from sklearn import metrics as skm

rng = np.random.default_rng(20261129)
n = 1500
ts = pd.Timestamp("2026-03-01T00:00:00Z") + pd.to_timedelta(rng.integers(0, 86400, n), unit="s")
variant = rng.choice(["41", "42"], n, p=[0.45, 0.55])
y = rng.random(n) < 0.3
score = np.round(np.clip(np.where(y, 0.62, 0.38) + rng.normal(0, 0.2, n), 0, 1), 2)  # 2 decimals: ties
pred = (score >= 0.5).astype(int)
animals = np.array(["bird", "cat", "dog"])
t3 = animals[rng.integers(0, 3, n)]
p3 = np.where(rng.random(n) < 0.7, t3, np.array(["bird", "cat", "dog", "fox"])[rng.integers(0, 4, n)])  # "fox" only predicted
actual = np.round(rng.normal(50, 20, n), 3)
actual[rng.random(n) < 0.02] = 0.0  # zeros: MAPE divides by eps there
predicted = np.round(actual + rng.normal(0, 5, n), 3)
latency = np.round(rng.lognormal(4.3, 0.5, n), 2)
latency_cells = latency.astype(str).astype(object)
latency_cells[rng.random(n) < 0.03] = ""
latency_cells[rng.random(n) < 0.02] = "NaN"
is_error = (rng.random(n) < 0.05).astype(int)

df = pd.DataFrame({"ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "model_version": variant, "y_true": y.astype(int),
                   "y_pred": pred, "score": score, "animal": t3, "animal_pred": p3, "actual": actual,
                   "predicted": predicted, "latency_ms": latency_cells, "is_error": is_error})
df.to_csv("predictions.csv", index=False, lineterminator="\n")

# Read back as the tool does: labels as strings, empty and NaN latency cells missing.
back = pd.read_csv("predictions.csv", dtype={"model_version": str, "y_true": str, "y_pred": str,
                                             "animal": str, "animal_pred": str})
since = pd.Timestamp("2026-03-01T12:00:00Z")


def values(frame):
    out = {"rows": int(len(frame))}
    yt, yp = frame["y_true"], frame["y_pred"]
    out["accuracy"] = skm.accuracy_score(yt, yp)
    for m, f in (("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)):
        out[f"{m}_binary"] = f(yt, yp, average="binary", pos_label="1", zero_division=0)
        for avg in ("micro", "macro", "weighted"):
            out[f"{m}_{avg}"] = f(frame["animal"], frame["animal_pred"], average=avg, zero_division=0)
    out["accuracy_animal"] = skm.accuracy_score(frame["animal"], frame["animal_pred"])
    out["auc"] = skm.roc_auc_score(yt == "1", frame["score"])
    out["mae"] = skm.mean_absolute_error(frame["actual"], frame["predicted"])
    out["rmse"] = skm.mean_squared_error(frame["actual"], frame["predicted"], squared=False)
    out["mape"] = skm.mean_absolute_percentage_error(frame["actual"], frame["predicted"])
    lat = frame["latency_ms"].dropna().to_numpy()
    out["latency_count"] = int(len(lat))
    out["latency_missing"] = int(frame["latency_ms"].isna().sum())
    out["latency_mean"] = float(np.mean(lat))
    out["latency_sum"] = float(np.sum(lat))
    out["latency_min"] = float(np.min(lat))
    out["latency_max"] = float(np.max(lat))
    out["latency_median"] = float(np.median(lat))
    out["latency_stddev"] = float(np.std(lat, ddof=1))
    for q in (50, 90, 95, 99, 99.9):
        out[f"latency_p{q}"] = float(np.percentile(lat, q))
    out["error_rate"] = float(np.mean(frame["is_error"]))
    ordered = frame.assign(t=pd.to_datetime(frame["ts"])).sort_values("t", kind="stable")
    out["latency_last"] = float(ordered["latency_ms"].dropna().iloc[-1])
    return out


expected = {}
for name, frame in (("all", back), ("since_noon", back[pd.to_datetime(back["ts"]) >= since])):
    expected[name] = {"baseline": values(frame[frame["model_version"] == "41"]),
                      "candidate": values(frame[frame["model_version"] == "42"])}
with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
print("wrote predictions.csv and expected.json")
