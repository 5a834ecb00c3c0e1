"""Prediction logs of real models, and what scikit-learn 1.2.1 and numpy 1.24.2 say about them.

Run it with the interpreter that has scikit-learn and pandas (Debian's python3-sklearn and
python3-pandas), from anywhere:

    /usr/bin/python3 src/test/resources/reference/models/generate.py

It is seeded and deterministic, and needs no network: the data sets are the ones bundled
with scikit-learn (load_iris, load_breast_cancer, load_wine, load_digits, load_diabetes,
load_linnerud). For each it trains two or three model versions, writes their prediction
log the way pandas or a monitoring job writes one, and a spec that reads it:

  iris.csv              BOM + CRLF (Excel's "CSV UTF-8"), string labels, three model
                        versions in one file (v3 is neither baseline nor candidate), NaN
                        predictions for some candidate rows
  breast_cancer.csv     pandas' QUOTE_NONNUMERIC (strings quoted), string labels
                        benign/malignant, P(malignant) rounded to 2 places (many ties),
                        NaN predictions and empty scores; binary metrics without `positive`
  wine.csv.gz           gzipped, ';'-separated, y_true as integers with a few zero-padded
                        ("01"), y_pred as pandas writes an integer column holding NaN
                        ("1.0", NaN for 8 of the candidate's 178 rows); a `positive: "1"` auc
  digits.csv            plain LF, 10 numeric classes, large enough for the chunked read
  diabetes.csv          regression (y, y_hat), latency_ms with empty/NaN cells, is_error as
                        pandas writes booleans (True/False), ties on the newest timestamp
  linnerud.csv          long/tidy (ts, model_version, metric, value), missing values as
                        "NA" (listed in the spec's data.missing)

and expected.json: per case and variant, the rows, and per metric its value (null when
undefined), samples and missing, computed from the file read back with pandas (only empty,
NaN and nan are missing, plus what the spec's data.missing adds) by scikit-learn and numpy.

Where scikit-learn has no answer of its own, the value is still scikit-learn's, with the
choice rollout makes spelled out: f1_score(average="binary") refuses string labels without a
pos_label, so the expected value uses pos_label = the greater of the two labels (rollout's
rule, the one roc_auc_score applies); `last` is the value of the newest row, the later row
in the file on a tie; `rate` is the mean of the truthy cells.
"""
import csv
import gzip
import io
import json
import os
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn import datasets
from sklearn import metrics as skm
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261201)
DEFAULT_MISSING = ["", "NaN", "nan"]
T0 = pd.Timestamp("2026-03-01T00:00:00Z")


def stamps(n):
    """Seconds in the first two hours, so equal timestamps are common."""
    return T0 + pd.to_timedelta(rng.integers(0, 7200, n), unit="s")


def iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def log(versions):
    """The rows of every version, in time order as a monitoring job appends them."""
    df = pd.concat(versions, ignore_index=True)
    df["ts"] = stamps(len(df))
    df = df.sort_values("ts", kind="stable").reset_index(drop=True)
    df["ts"] = df["ts"].map(iso)
    return df


def blank(df, version, column, k, value=np.nan):
    idx = rng.choice(np.flatnonzero(df["model_version"] == version), k, replace=False)
    df.loc[idx, column] = value


def save(name, text, gz=False, bom=False):
    data = ("\ufeff" if bom else "") + text
    raw = data.encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as f:
        if gz:
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
                g.write(raw)
        else:
            f.write(raw)


def spec(name, data_lines, metrics, baseline="v1", candidate="v2"):
    lines = ["# yaml-language-server: $schema=../../../../../rollouts/rollout.schema.json",
             "# Written by generate.py beside it.",
             "version: 1", "name: " + name, "model: {baseline: %s, candidate: %s}" % (baseline, candidate),
             "stages:", "  - {name: offline, traffic: 0}", "data:"] + ["  " + d for d in data_lines] + ["metrics:"]
    for i, m in enumerate(metrics):
        lines.append("  - name: " + m["name"])
        if m["kind"] == "column":
            lines.append("    column: %s" % m["column"])
            lines.append("    aggregate: %s" % m["aggregate"])
        elif m["kind"] == "regression":
            lines.append("    regression: {actual: %s, predicted: %s, metric: %s}" % (m["actual"], m["predicted"], m["metric"]))
        else:
            parts = ["actual: " + m["actual"]]
            parts.append(("score: " + m["score"]) if m["kind"] == "auc" else ("predicted: " + m["predicted"]))
            parts.append("metric: " + ("auc" if m["kind"] == "auc" else m["metric"]))
            if m.get("average"):
                parts.append("average: " + m["average"])
            if m.get("positive") is not None:
                parts.append('positive: "%s"' % m["positive"])
            lines.append("    classification: {%s}" % ", ".join(parts))
        # One metric in the score keeps the spec valid; the others are reported only.
        lines.append("    weight: %s" % ("1" if i == 0 else "0"))
        if i == 0 and m["kind"] in ("regression", "column"):
            lines.append("    normalize: {best: 0, worst: 1000}")
    with open(os.path.join(HERE, name + ".yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


# ---- reading back, as an ML engineer would ------------------------------------------------------
def read(name, sep=",", missing=DEFAULT_MISSING):
    path = os.path.join(HERE, name)
    return pd.read_csv(path, sep=sep, keep_default_na=False, na_values=missing, encoding="utf-8-sig",
                       compression="gzip" if name.endswith(".gz") else None)


def entry(value, samples, missing):
    return {"value": None if value is None else float(value), "samples": int(samples), "missing": int(missing)}


def is_number_column(series):
    return pd.api.types.is_numeric_dtype(series)


def positive_label(m, both):
    """The positive label as rollout chooses it; `both` holds the label columns of both variants."""
    labels = pd.concat([both[c] for c in (m["actual"], m.get("predicted") or m["actual"])]).dropna()
    numeric = all(is_number_column(both[c]) for c in (m["actual"], m.get("predicted") or m["actual"]))
    if m.get("positive") is not None:
        return float(m["positive"]) if numeric else m["positive"]
    classes = sorted(set(labels))
    if m["kind"] != "auc" and 1 in classes:
        return 1
    assert len(classes) == 2, classes
    return classes[1]


def classification(m, d, both):
    cols = [m["actual"], m["score"] if m["kind"] == "auc" else m["predicted"]]
    sub = d[cols].dropna()
    n, miss = len(sub), len(d) - len(sub)
    yt = sub[cols[0]].to_numpy()
    if m["kind"] == "auc":
        s = sub[cols[1]].to_numpy(dtype=float)
        if m.get("positive") is None:
            value = skm.roc_auc_score(yt, s)  # scikit-learn's own choice: the greater label
        else:
            value = skm.roc_auc_score(yt == positive_label(m, both), s)
        return entry(value, n, miss), str(positive_label(m, both))
    yp = sub[cols[1]].to_numpy()
    f = {"accuracy": skm.accuracy_score, "precision": skm.precision_score, "recall": skm.recall_score,
         "f1": skm.f1_score}[m["metric"]]
    if m["metric"] == "accuracy":
        return entry(f(yt, yp), n, miss), None
    if m["average"] == "binary":
        pos = positive_label(m, both)
        return entry(f(yt, yp, average="binary", pos_label=pos, zero_division=0), n, miss), pos
    return entry(f(yt, yp, average=m["average"], zero_division=0), n, miss), None


def regression(m, d):
    sub = d[[m["actual"], m["predicted"]]].dropna()
    a, p = sub[m["actual"]].to_numpy(float), sub[m["predicted"]].to_numpy(float)
    f = {"mae": skm.mean_absolute_error, "rmse": lambda x, y: skm.mean_squared_error(x, y, squared=False),
         "mape": skm.mean_absolute_percentage_error}[m["metric"]]
    return entry(f(a, p), len(sub), len(d) - len(sub))


def truthy(x):
    return {"1": 1.0, "true": 1.0, "yes": 1.0, "1.0": 1.0, "0": 0.0, "false": 0.0, "no": 0.0, "0.0": 0.0}[str(x).lower()]


def column(m, d, long_format):
    if long_format:
        d = d[d["metric"] == m["column"]]
        values = d["value"]
    else:
        values = d[m["column"]]
    kept = values.dropna()
    k, miss = len(kept), len(values) - len(kept)
    agg = m["aggregate"]
    if agg == "rate":
        v = np.mean([truthy(x) for x in kept]) if k else None
        return entry(v, k, miss)
    x = kept.to_numpy(float)
    if agg == "last":
        times = d.loc[kept.index, "ts"].to_numpy()
        newest = max(times)
        v = x[np.flatnonzero(times == newest)[-1]]  # the later row on a tie
    elif agg == "count":
        v = k
    elif agg == "stddev":
        v = np.std(x, ddof=1) if k > 1 else None
    elif agg.startswith("p"):
        v = np.percentile(x, float(agg[1:]))
    else:
        v = {"mean": np.mean, "sum": np.sum, "min": np.min, "max": np.max, "median": np.median}[agg](x)
    return entry(v, k, miss)


CASES = {}


def expect(name, files, metrics, sep=",", missing=DEFAULT_MISSING, long_format=False, baseline="v1", candidate="v2"):
    frames = [read(f, sep, missing) for f in files]
    df = pd.concat(frames, ignore_index=True)
    versions = df["model_version"].astype(str)
    both = df[versions.isin([baseline, candidate])]
    case = {"spec": name + ".yaml", "files": files,
            "other": int((~versions.isin([baseline, candidate])).sum()), "positive": {}}
    for variant, code in (("baseline", baseline), ("candidate", candidate)):
        d = df[versions == code]
        out = {}
        for m in metrics:
            if m["kind"] in ("classification", "auc"):
                out[m["name"]], pos = classification(m, d, both)
                if pos is not None:
                    case["positive"][m["name"]] = str(pos)
            elif m["kind"] == "regression":
                out[m["name"]] = regression(m, d)
            else:
                out[m["name"]] = column(m, d, long_format)
        # Long: one row per value; the variant has the rows of the spec's metric with the most (minSamples counts those).
        rows = max(int((d["metric"] == m["column"]).sum()) for m in metrics) if long_format else int(len(d))
        case[variant] = {"rows": rows, "metrics": out}
    CASES[name] = case


def cls(name, actual, predicted, metric, average=None, positive=None):
    return {"name": name, "kind": "classification", "actual": actual, "predicted": predicted, "metric": metric,
            "average": average, "positive": positive}


def auc(name, actual, score, positive=None):
    return {"name": name, "kind": "auc", "actual": actual, "score": score, "positive": positive}


def col(name, column, aggregate):
    return {"name": name, "kind": "column", "column": column, "aggregate": aggregate}


def reg(name, actual, predicted, metric):
    return {"name": name, "kind": "regression", "actual": actual, "predicted": predicted, "metric": metric}


def averaged(actual, predicted, averages):
    return [cls("%s_%s" % (m, a), actual, predicted, m, a) for m in ("precision", "recall", "f1") for a in averages]


# ---- iris: three versions in one file, BOM + CRLF ---------------------------------------------------
X, y = datasets.load_iris(return_X_y=True)
names = datasets.load_iris().target_names
Xtr, _, ytr, _ = train_test_split(X, y, train_size=0.5, random_state=1, stratify=y)
models = {"v1": LogisticRegression(max_iter=1000), "v2": DecisionTreeClassifier(max_depth=2, random_state=0),
          "v3": KNeighborsClassifier(3)}
frames = []
for v, model in models.items():
    model.fit(Xtr, ytr)
    frames.append(pd.DataFrame({"model_version": v, "y_true": names[y], "y_pred": names[model.predict(X)]}))
df = log(frames)[["ts", "model_version", "y_true", "y_pred"]]
blank(df, "v2", "y_pred", 8)
save("iris.csv", df.to_csv(index=False, lineterminator="\r\n", na_rep="NaN"), bom=True)
metrics = [cls("accuracy", "y_true", "y_pred", "accuracy")] + averaged("y_true", "y_pred", ["micro", "macro", "weighted"])
spec("iris", ["timestamp: ts", "variant: {column: model_version}"], metrics)
expect("iris", ["iris.csv"], metrics)

# ---- breast cancer: quoted strings, binary metrics without `positive` ------------------------------
bc = datasets.load_breast_cancer()
X, y = bc.data, bc.target
names = bc.target_names  # 0 malignant, 1 benign
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=200, random_state=2, stratify=y)
models = {"v1": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)), "v2": GaussianNB()}
frames = []
for v, model in models.items():
    model.fit(Xtr, ytr)
    frames.append(pd.DataFrame({"model_version": v, "diagnosis": names[yte], "predicted": names[model.predict(Xte)],
                                "p_malignant": np.round(model.predict_proba(Xte)[:, 0], 2)}))
df = log(frames)[["ts", "model_version", "diagnosis", "predicted", "p_malignant"]]
blank(df, "v2", "predicted", 8)
blank(df, "v1", "p_malignant", 5)
save("breast_cancer.csv", df.to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC, na_rep=""))
metrics = [cls("accuracy", "diagnosis", "predicted", "accuracy"),
           cls("f1", "diagnosis", "predicted", "f1", "binary"),
           cls("precision", "diagnosis", "predicted", "precision", "binary"),
           cls("recall_benign", "diagnosis", "predicted", "recall", "binary", "benign"),
           cls("f1_macro", "diagnosis", "predicted", "f1", "macro"),
           auc("auc", "diagnosis", "p_malignant"),
           auc("auc_benign", "diagnosis", "p_malignant", "benign")]
spec("breast-cancer", ["timestamp: ts", "variant: {column: model_version}"], metrics)
os.replace(os.path.join(HERE, "breast-cancer.yaml"), os.path.join(HERE, "breast_cancer.yaml"))
expect("breast_cancer", ["breast_cancer.csv"], metrics)

# ---- wine: gzipped, ';', labels 1 / 01 / 1.0 ------------------------------------------------------
X, y = datasets.load_wine(return_X_y=True)
Xtr, _, ytr, _ = train_test_split(X, y, train_size=0.4, random_state=3, stratify=y)
models = {"v1": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
          "v2": DecisionTreeClassifier(max_depth=2, random_state=0)}
frames = []
for v, model in models.items():
    model.fit(Xtr, ytr)
    frames.append(pd.DataFrame({"model_version": v, "y_true": y, "y_pred": model.predict(X).astype(float),
                                "p_class_1": np.round(model.predict_proba(X)[:, 1], 2)}))
df = log(frames)[["ts", "model_version", "y_true", "y_pred", "p_class_1"]]
blank(df, "v2", "y_pred", 8)  # pandas then writes the column as floats: 1.0, and NaN
df["y_true"] = [("0%d" % t) if rng.random() < 0.05 else str(t) for t in df["y_true"]]
save("wine.csv.gz", df.to_csv(index=False, sep=";", na_rep="NaN"), gz=True)
metrics = [cls("accuracy", "y_true", "y_pred", "accuracy")] + averaged("y_true", "y_pred", ["macro", "weighted"]) \
          + [auc("auc_class_1", "y_true", "p_class_1", "1")]
spec("wine", ["timestamp: ts", "variant: {column: model_version}", 'delimiter: ";"'], metrics)
expect("wine", ["wine.csv.gz"], metrics, sep=";")

# ---- digits: ten numeric classes, plain, chunked ---------------------------------------------------
X, y = datasets.load_digits(return_X_y=True)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=540, random_state=4, stratify=y)
models = {"v1": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), "v2": GaussianNB()}
frames = []
for v, model in models.items():
    model.fit(Xtr, ytr)
    frames.append(pd.DataFrame({"model_version": v, "label": yte, "predicted": model.predict(Xte),
                                "p_nine": np.round(model.predict_proba(Xte)[:, 9], 3)}))
df = log(frames)[["ts", "model_version", "label", "predicted", "p_nine"]]
save("digits.csv", df.to_csv(index=False))
metrics = [cls("accuracy", "label", "predicted", "accuracy")] + averaged("label", "predicted", ["micro", "macro", "weighted"]) \
          + [auc("auc_nine", "label", "p_nine", "9")]
spec("digits", ["timestamp: ts", "variant: {column: model_version}"], metrics)
expect("digits", ["digits.csv"], metrics)

# ---- diabetes: regression and serving columns -------------------------------------------------------
X, y = datasets.load_diabetes(return_X_y=True)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=150, random_state=5)
models = {"v1": LinearRegression(), "v2": Ridge(alpha=0.5)}
frames = []
for v, model in models.items():
    model.fit(Xtr, ytr)
    n = len(yte)
    frames.append(pd.DataFrame({"model_version": v, "y": yte, "y_hat": np.round(model.predict(Xte), 4),
                                "latency_ms": np.round(rng.lognormal(3.5 if v == "v1" else 3.6, 0.4, n), 1),
                                "is_error": rng.random(n) < 0.05}))
df = log(frames)
for v in ("v1", "v2"):
    # Two rows of each version at the newest instant: `last` takes the later one in the file.
    idx = np.flatnonzero(df["model_version"] == v)[-2:]
    df.loc[idx, "ts"] = iso(T0 + pd.Timedelta(hours=3))
df = df[["ts", "model_version", "y", "y_hat", "latency_ms", "is_error"]].astype({"latency_ms": object})
blank(df, "v2", "latency_ms", 6, "")
blank(df, "v1", "latency_ms", 4, "NaN")
blank(df, "v2", "y_hat", 3, "nan")
save("diabetes.csv", df.to_csv(index=False))
metrics = [reg("mae", "y", "y_hat", "mae"), reg("rmse", "y", "y_hat", "rmse"), reg("mape", "y", "y_hat", "mape")] + \
          [col("latency_" + a.replace(".", "_"), "latency_ms", a) for a in
           ("mean", "sum", "min", "max", "median", "p50", "p90", "p95", "p99.9", "stddev", "count", "last")] + \
          [col("y_hat_last", "y_hat", "last"), col("error_rate", "is_error", "rate")]
spec("diabetes", ["timestamp: ts", "variant: {column: model_version}"], metrics)
expect("diabetes", ["diabetes.csv"], metrics)

# ---- linnerud: long/tidy, missing written as NA ----------------------------------------------------
X, Y = datasets.load_linnerud(return_X_y=True)
targets = datasets.load_linnerud().target_names
models = {"v1": LinearRegression(), "v2": Ridge(alpha=10.0)}
rows = []
for v, model in models.items():
    model.fit(X, Y)
    errors = np.abs(model.predict(X) - Y)
    for i in range(len(X)):
        for j, t in enumerate(targets):
            rows.append({"model_version": v, "metric": "abs_error_" + t.lower(), "value": repr(round(float(errors[i, j]), 4))})
        rows.append({"model_version": v, "metric": "latency_ms", "value": repr(round(float(rng.lognormal(2.5, 0.3)), 2))})
        rows.append({"model_version": v, "metric": "unused_metric", "value": "1"})
df = log([pd.DataFrame(rows)])[["ts", "model_version", "metric", "value"]]
for k in rng.choice(len(df), 12, replace=False):
    df.loc[k, "value"] = "NA" if k % 2 else ""
save("linnerud.csv", df.to_csv(index=False))
missing = ["", "NaN", "nan", "NA"]
metrics = [col("latency_p90", "latency_ms", "p90")] + \
          [col("%s_%s" % (t, a), "abs_error_" + t.lower(), a) for t in ("weight", "waist", "pulse")
           for a in ("mean", "median", "p90", "stddev", "max", "count", "last")]
spec("linnerud", ["timestamp: ts", "variant: {column: model_version}", "format: long",
                  "missing: [\"\", NaN, nan, NA]"], metrics)
expect("linnerud", ["linnerud.csv"], metrics, missing=missing, long_format=True)

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump({"generator": "generate.py with numpy %s, pandas %s, scikit-learn %s"
                            % (np.__version__, pd.__version__, sklearn.__version__), "cases": CASES}, f, indent=1)
    f.write("\n")
print("wrote", ", ".join(sorted(c for case in CASES.values() for c in case["files"])), "and expected.json in", HERE)
