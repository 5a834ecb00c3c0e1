"""Reference values for rollout's metrics: what numpy 1.24.2 and scikit-learn 1.2.1 compute.

Run it with the interpreter that has numpy, pandas and scikit-learn installed (Debian's
python3-sklearn), from anywhere:

    /usr/bin/python3 src/test/resources/reference/generate.py

It is seeded and deterministic. It writes, next to itself:

  classification.csv    CRLF line ends; ISO-8601 timestamps (Z, offsets, a space for 'T'), a binary label pair
                        with empty predictions, a score column with many ties and NaN/empty
                        cells, a 3-class string label pair where "fox" is only ever predicted
                        and the candidate never predicts "bird", variants 41/42 plus ignored 40
  regression.csv.gz     epoch-second timestamps (some with decimals), actual/predicted with
                        zero actuals (MAPE divides by eps there) and empty/NaN cells; gzipped
  serving.csv           every cell quoted; epoch-millisecond timestamps, latency_ms with empty/NaN/nan cells and
                        numbers written as 1.2e2, +85.5, .75 or padded with spaces, and
                        is_error as 1/0/true/false/yes/no in mixed case
  expected.json         per window (all, since, between, empty) and variant: the rows in the
                        window and, per metric, value (null when undefined), samples, missing;
                        per file its SHA-256 and rows; plus exact np.percentile/np.median and
                        np.sum cases

The files are read back here as rollout reads them (csv module, cells trimmed, empty and
NaN cells missing, rows of other variants ignored) and the values computed by scikit-learn
and numpy, not by re-implementing them. Floats are written with repr(), which round-trips.
"""
import csv
import gzip
import hashlib
import io
import json
import os
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import numpy as np
import sklearn
from sklearn import metrics as skm

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20260301)

T0 = 1772323200  # 2026-03-01T00:00:00Z
NS = 1_000_000_000
SINCE = (T0 + 1800) * NS
BETWEEN = ((T0 + 600) * NS, (T0 + 900) * NS + 500_000_000)
WINDOWS = {
    "all": (None, None),
    "since": (SINCE, None),
    "between": BETWEEN,
    "empty": ((T0 + 100_000) * NS, None),
}


def iso(ns):
    ns = int(ns)
    return datetime.fromtimestamp(ns // NS, timezone.utc) + timedelta(microseconds=(ns % NS) // 1000)


def times(n):
    """Row times in ns: seconds in the first hour (so ties are common), some with milliseconds,
    a few forced onto the window bounds and onto the latest instant."""
    t = (T0 + rng.integers(0, 3600, n)) * NS
    frac = rng.random(n) < 0.2
    t[frac] += rng.integers(0, 1000, frac.sum()) * 1_000_000
    for bound in (SINCE, BETWEEN[0], BETWEEN[1]):
        t[rng.choice(n, 3, replace=False)] = bound
    t[rng.choice(n, 4, replace=False)] = (T0 + 3600) * NS  # ties at the very end: 'last' takes the later row
    return t


def variants(n):
    v = rng.choice(["41", "42", "40"], n, p=[0.45, 0.5, 0.05]).astype(object)
    padded = rng.random(n) < 0.02
    v[padded] = [" " + x + " " for x in v[padded]]
    return v


def write_csv(name, header, rows, gz=False, terminator="\n", quoting=csv.QUOTE_MINIMAL):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=terminator, quoting=quoting)
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    path = os.path.join(HERE, name)
    with open(path, "wb") as f:
        if gz:
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
                g.write(data)
        else:
            f.write(data)


# ---- classification.csv -------------------------------------------------------------------
n = 1200
t = times(n)
v = variants(n)
y = rng.random(n) < 0.35
score = np.round(np.clip(np.where(y, 0.6, 0.4) + rng.normal(0, 0.18, n), 0, 1), 2)
y_pred = (score >= 0.5).astype(int).astype(str).astype(object)
y_pred[rng.random(n) < 0.02] = ""
score_cells = np.array([repr(float(s)) for s in score], dtype=object)
score_cells[rng.random(n) < 0.02] = "NaN"
score_cells[rng.random(n) < 0.02] = ""
animals = np.array(["bird", "cat", "dog"])
actual3 = animals[rng.choice(3, n, p=[0.15, 0.45, 0.40])]
guess = np.where(rng.random(n) < 0.75, actual3, np.array(["bird", "cat", "dog", "fox"])[rng.integers(0, 4, n)])
is_candidate = np.array([x.strip() == "42" for x in v])
guess = np.where(is_candidate & (guess == "bird"), "cat", guess)  # the candidate never predicts "bird"
guess = guess.astype(object)
guess[rng.random(n) < 0.01] = ""
styles = rng.integers(0, 4, n)


def iso_cell(ns, style):
    ns = int(ns)
    d = iso(ns)
    ms = (ns % NS) // 1_000_000
    if style == 1:
        d = d.astimezone(timezone(timedelta(hours=2)))
    elif style == 3:
        d = d.astimezone(timezone(timedelta(hours=-5)))
    text = d.strftime("%Y-%m-%dT%H:%M:%S") + (".%03d" % ms if ms else "")
    suffix = "Z" if style in (0, 2) else d.strftime("%z")[:3] + ":" + d.strftime("%z")[3:]
    return (text.replace("T", " ") if style == 2 else text) + suffix


write_csv("classification.csv", ["ts", "model_version", "y_true", "y_pred", "score", "animal", "animal_pred"],
          [[iso_cell(t[i], styles[i]), v[i], int(y[i]), y_pred[i], score_cells[i], actual3[i], guess[i]] for i in range(n)],
          terminator="\r\n")  # CRLF, as Excel and Windows tools write

# ---- regression.csv.gz --------------------------------------------------------------------
n = 1000
t = times(n)
v = variants(n)
actual = np.round(rng.normal(50, 20, n), 3)
actual[rng.random(n) < 0.03] = 0.0
predicted = np.round(actual + rng.normal(0, 4, n), 3)
a_cells = np.array([repr(float(x)) for x in actual], dtype=object)
p_cells = np.array([repr(float(x)) for x in predicted], dtype=object)
a_cells[rng.random(n) < 0.01] = "NaN"
p_cells[rng.random(n) < 0.02] = ""


def epoch_seconds_cell(ns):
    s, rest = divmod(int(ns), NS)
    return str(s) if rest == 0 else "%d.%03d" % (s, rest // 1_000_000)


write_csv("regression.csv.gz", ["ts", "model_version", "actual", "predicted"],
          [[epoch_seconds_cell(t[i]), v[i], a_cells[i], p_cells[i]] for i in range(n)], gz=True)

# ---- serving.csv ----------------------------------------------------------------------------
n = 1500
t = times(n)
v = variants(n)
latency = np.round(rng.lognormal(4.3, 0.5, n), 2)
latency[rng.random(n) < 0.01] = np.round(rng.random(), 2)  # a few below 1, written as .75


def latency_cell(x, r):
    if r < 0.02:
        return ""
    if r < 0.03:
        return "NaN"
    if r < 0.035:
        return "nan"
    if r < 0.05:
        return "%.4e" % x
    if r < 0.06:
        return "+" + repr(float(x))
    if r < 0.07:
        return " " + repr(float(x)) + " "
    if x < 1:
        return repr(float(x)).lstrip("0")
    return repr(float(x))


lat_cells = [latency_cell(latency[i], rng.random()) for i in range(n)]
err = rng.random(n) < 0.06
spellings = {True: ["1", "true", "yes", "TRUE", "Yes"], False: ["0", "false", "no", "FALSE", "No"]}
err_cells = [spellings[bool(e)][rng.integers(0, 5)] for e in err]
for i in rng.choice(n, 20, replace=False):
    err_cells[i] = "" if i % 2 else "NaN"
write_csv("serving.csv", ["ts", "model_version", "latency_ms", "is_error"],
          [[str(int(t[i]) // 1_000_000), v[i], lat_cells[i], err_cells[i]] for i in range(n)],
          quoting=csv.QUOTE_ALL)  # every cell quoted


# ---- read back as rollout does ----------------------------------------------------------------
def parse_time(cell):
    try:
        d = Decimal(cell)
    except Exception:
        return int(datetime.fromisoformat(cell.replace("Z", "+00:00")).timestamp()) * NS + \
            datetime.fromisoformat(cell.replace("Z", "+00:00")).microsecond * 1000
    return int(d * NS) if abs(d) < Decimal(10) ** 11 else int(d * 1_000_000)


def read(name):
    path = os.path.join(HERE, name)
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = [h.strip() for h in rows[0]]
    out = []
    for r in rows[1:]:
        cells = dict(zip(header, (c.strip() for c in r)))
        cells["_t"] = parse_time(cells["ts"])
        out.append(cells)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return out, digest


FILES = ["classification.csv", "regression.csv.gz", "serving.csv"]
data = {}
digests = {}
for name in FILES:
    data[name], digests[name] = read(name)


def missing(cell):
    return cell == "" or cell.lower() == "nan"


def truthy(cell):
    return {"1": 1.0, "true": 1.0, "yes": 1.0, "0": 0.0, "false": 0.0, "no": 0.0}[cell.lower()]


def entry(value, samples, miss):
    return {"value": None if value is None else float(value), "samples": int(samples), "missing": int(miss)}


def classification(rows):
    out = {}
    pairs = [(r["y_true"], r["y_pred"]) for r in rows if not (missing(r["y_true"]) or r["y_pred"] == "")]
    miss = len(rows) - len(pairs)
    yt = np.array([p[0] for p in pairs], dtype=object)
    yp = np.array([p[1] for p in pairs], dtype=object)
    out["accuracy"] = entry(skm.accuracy_score(yt, yp) if pairs else None, len(pairs), miss)
    for m, f in (("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)):
        out[m + "_binary"] = entry(f(yt, yp, average="binary", pos_label="1", zero_division=0) if pairs else None,
                                   len(pairs), miss)
    pairs = [(r["animal"], r["animal_pred"]) for r in rows if not (r["animal"] == "" or r["animal_pred"] == "")]
    miss = len(rows) - len(pairs)
    yt = np.array([p[0] for p in pairs], dtype=object)
    yp = np.array([p[1] for p in pairs], dtype=object)
    out["accuracy_animal"] = entry(skm.accuracy_score(yt, yp) if pairs else None, len(pairs), miss)
    for m, f in (("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)):
        for avg in ("micro", "macro", "weighted"):
            out[f"{m}_{avg}"] = entry(f(yt, yp, average=avg, zero_division=0) if pairs else None, len(pairs), miss)
    scored = [(r["y_true"], float(r["score"])) for r in rows if not (r["y_true"] == "" or missing(r["score"]))]
    miss = len(rows) - len(scored)
    labels = np.array([s[0] == "1" for s in scored])
    auc = skm.roc_auc_score(labels, np.array([s[1] for s in scored])) if len(set(labels)) == 2 else None
    out["auc"] = entry(auc, len(scored), miss)
    return out


def regression(rows):
    pairs = [(float(r["actual"]), float(r["predicted"])) for r in rows
             if not (missing(r["actual"]) or missing(r["predicted"]))]
    miss = len(rows) - len(pairs)
    a = np.array([p[0] for p in pairs])
    p = np.array([p[1] for p in pairs])
    ok = len(pairs) > 0
    return {
        "mae": entry(skm.mean_absolute_error(a, p) if ok else None, len(pairs), miss),
        "rmse": entry(skm.mean_squared_error(a, p, squared=False) if ok else None, len(pairs), miss),
        "mape": entry(skm.mean_absolute_percentage_error(a, p) if ok else None, len(pairs), miss),
    }


PERCENTILES = [0, 25, 50, 90, 95, 99, 99.9, 100]


def serving(rows):
    kept = [r for r in rows if not missing(r["latency_ms"])]
    lat = np.array([float(r["latency_ms"]) for r in kept])
    miss = len(rows) - len(kept)
    k = len(lat)
    out = {
        "latency_count": entry(k, k, miss),
        "latency_mean": entry(np.mean(lat) if k else None, k, miss),
        "latency_sum": entry(np.sum(lat) if k else None, k, miss),
        "latency_min": entry(np.min(lat) if k else None, k, miss),
        "latency_max": entry(np.max(lat) if k else None, k, miss),
        "latency_median": entry(np.median(lat) if k else None, k, miss),
        "latency_stddev": entry(np.std(lat, ddof=1) if k > 1 else None, k, miss),
    }
    for q in PERCENTILES:
        out[f"latency_p{q}"] = entry(np.percentile(lat, q) if k else None, k, miss)
    last, best = None, None
    for r in kept:  # read order; ">=" so that of rows with the same time the later one wins
        if best is None or r["_t"] >= best:
            best, last = r["_t"], float(r["latency_ms"])
    out["latency_last"] = entry(last, k, miss)
    flags = [truthy(r["is_error"]) for r in rows if not missing(r["is_error"])]
    out["error_rate"] = entry(np.mean(flags) if flags else None, len(flags), len(rows) - len(flags))
    return out


def in_window(r, window):
    since, until = window
    return (since is None or r["_t"] >= since) and (until is None or r["_t"] <= until)


expected = {"generator": "generate.py with numpy %s, scikit-learn %s" % (np.__version__, sklearn.__version__),
            "windows": {}, "files": {}}
for wname, window in WINDOWS.items():
    entry_w = {"since": None if window[0] is None else iso(window[0]).isoformat().replace("+00:00", "Z"),
               "until": None if window[1] is None else iso(window[1]).isoformat().replace("+00:00", "Z")}
    for variant, code in (("baseline", "41"), ("candidate", "42")):
        picked = {name: [r for r in data[name] if r["model_version"] == code and in_window(r, window)] for name in FILES}
        metrics = {}
        metrics.update(classification(picked["classification.csv"]))
        metrics.update(regression(picked["regression.csv.gz"]))
        metrics.update(serving(picked["serving.csv"]))
        entry_w[variant] = {"rows": sum(len(x) for x in picked.values()), "metrics": metrics}
    expected["windows"][wname] = entry_w
for name in FILES:
    expected["files"][name] = {
        "sha256": digests[name], "rows": len(data[name]),
        "rows_in_window": {w: sum(1 for r in data[name] if r["model_version"] in ("41", "42") and in_window(r, win))
                           for w, win in WINDOWS.items()}}

# Exact cases: order statistics and numpy's pairwise summation, compared bit for bit.
cases = []
for size in (1, 2, 5, 10, 37, 100):
    values = np.round(rng.normal(100, 30, size), 1)  # one decimal: ties
    cases.append({"values": [float(x) for x in values],
                  "q": [0, 1, 5, 10, 12.5, 25, 33.3, 50, 66.7, 75, 90, 95, 99, 99.9, 100],
                  "linear": [float(np.percentile(values, q)) for q in
                             [0, 1, 5, 10, 12.5, 25, 33.3, 50, 66.7, 75, 90, 95, 99, 99.9, 100]],
                  "median": float(np.median(values))})
expected["percentiles"] = cases
sums = []
for size in (1, 7, 8, 9, 16, 127, 128, 129, 255, 256, 257, 600):
    values = rng.random(size) * 10.0 ** rng.integers(-3, 4, size)
    sums.append({"values": [float(x) for x in values], "sum": float(np.sum(values))})
expected["sums"] = sums

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
print("wrote", ", ".join(FILES), "and expected.json in", HERE)
