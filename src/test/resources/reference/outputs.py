"""Reference values for drift (psi, ks, js), agreement and the split check, from numpy and scipy.

The rows come from a seeded generator written with integer arithmetic only (splitmix64), so
that the Java test can make the same rows without a committed file: cases n1, n2 and n50 are
written to outputs/<case>.csv (1, 2 and 50 requests, one row per variant each, plus a few rows
that moved variant or lost a cell in n50); case big (500,000 requests, 10^6 rows) is only
printed here, and OutputsReferenceTest regenerates its rows and checks that its generator
writes the small files byte for byte. Columns: request_id, variant (a|b), score (skewed, 4
decimals; the candidate's is shifted), tied (small integers, many ties), label (categorical),
calm (the same distribution in both variants, for a KS p-value that is not 0 at 10^6 rows). Run with Debian's Python:

    cd src/test/resources/reference && /usr/bin/python3 outputs.py
"""
import json
from decimal import Decimal

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

M = (1 << 64) - 1
LABELS = ["bird", "cat", "dog", "fish"]
FLOOR = 1e-4
CASES = {"n1": (11, 1), "n2": (12, 2), "n50": (13, 50), "big": (14, 500_000)}


def mix(z):
    z = (z + 0x9E3779B97F4A7C15) & M
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def rows(seed, requests):
    """Row 2r is request r's baseline row, 2r+1 its candidate row; in larger cases a few change variant or lose a cell."""
    noisy = requests >= 10
    for i in range(2 * requests):
        x = mix((seed * 1_000_003 + i) & M)
        y = mix((seed * 1_000_003 + 2 * (i // 2)) & M)
        candidate = i % 2 == 1
        if noisy and (x >> 1) % 100 < (10 if candidate else 8):
            candidate = not candidate
        k = (y >> 8) % 10000
        skewed = k * k // 10000 * k // 10000
        tied = (y >> 24) % 7
        label = (y >> 32) % 4
        if candidate:
            skewed = min(9999, skewed + (x >> 40) % 600)
            tied += 1 if (x >> 50) % 3 == 0 else 0
            label += 1 if (x >> 44) % 5 == 0 else 0
        score = "0.%04d" % skewed
        if noisy and (x >> 56) % 50 == 0:
            score = ""
        text = LABELS[label % 4]
        if noisy and (x >> 58) % 60 == 0:
            text = ""
        calm = "%d.%02d" % ((x >> 12) % 300, (x >> 4) % 100)
        yield "r%d" % (i // 2), "b" if candidate else "a", score, str(tied), text, calm


def write(name, seed, requests):
    with open("outputs/%s.csv" % name, "w", newline="") as f:
        f.write("request_id,variant,score,tied,label,calm\n")
        for r in rows(seed, requests):
            f.write(",".join(r) + "\n")


def number_bins(b, c, k):
    edges = np.unique(np.quantile(b, np.arange(k + 1) / k))
    if len(edges) == 1:
        e = edges[0]
        counts = lambda v: np.array([np.sum(v < e), np.sum(v == e), np.sum(v > e)])
        return counts(b), counts(c), [[None, e], [e, e], [e, None]]
    inner = edges[1:-1]
    n = len(edges) - 1
    bc = np.bincount(np.searchsorted(inner, b, side="right"), minlength=n)
    cc = np.bincount(np.searchsorted(inner, c, side="right"), minlength=n)
    bounds = [[None if i == 0 else edges[i], None if i == n - 1 else edges[i + 1]] for i in range(n)]
    return bc, cc, bounds


def binned(bc, cc):
    bs = bc / np.sum(bc)
    cs = cc / np.sum(cc)
    bf = np.maximum(bs, FLOOR)
    cf = np.maximum(cs, FLOOR)
    psi = float(np.sum((cf - bf) * np.log(cf / bf)))
    js = float(distance.jensenshannon(bs, cs, base=2))
    return psi, js, bs, cs


def case(seed, requests):
    data = list(rows(seed, requests))
    out = {"rows": len(data)}
    by = {v: [r for r in data if r[1] == v] for v in "ab"}
    out["baselineRows"], out["candidateRows"] = len(by["a"]), len(by["b"])
    for column, index, bins in (("score", 2, 10), ("tied", 3, 5), ("calm", 5, 20)):
        b = np.array([float(r[index]) for r in by["a"] if r[index] != ""])
        c = np.array([float(r[index]) for r in by["b"] if r[index] != ""])
        bc, cc, bounds = number_bins(b, c, bins)
        psi, js, bs, cs = binned(bc, cc)
        ks = stats.ks_2samp(b, c)
        out[column] = {"psi": psi, "js": js, "ks": float(ks.statistic), "ksP": float(ks.pvalue),
                       "baselineValues": len(b), "candidateValues": len(c),
                       "bins": [{"lower": lo, "upper": hi, "baselineRows": int(x), "candidateRows": int(y)}
                                for (lo, hi), x, y in zip(bounds, bc, cc)]}
    labels = sorted({r[4] for r in data if r[4] != ""})
    bc = np.array([sum(1 for r in by["a"] if r[4] == l) for l in labels])
    cc = np.array([sum(1 for r in by["b"] if r[4] == l) for l in labels])
    psi, js, _, _ = binned(bc, cc)
    out["label"] = {"psi": psi, "js": js, "labels": labels, "baselineRows": bc.tolist(), "candidateRows": cc.tolist()}
    for name, index, agree in (("agreeLabel", 4, lambda x, y: x == y),
                               ("agreeScore", 2, lambda x, y: abs(Decimal(y) - Decimal(x)) <= Decimal("0.05"))):
        keyed = {v: {} for v in "ab"}
        for r in data:
            if r[index] != "":
                keyed[r[1]].setdefault(r[0], []).append(r[index])
        a, b = keyed["a"], keyed["b"]
        repeated = {k for k in set(a) | set(b) if len(a.get(k, [])) > 1 or len(b.get(k, [])) > 1}
        pairs = [k for k in a if k in b and k not in repeated]
        agreeing = sum(1 for k in pairs if agree(a[k][0], b[k][0]))
        out[name] = {"pairs": len(pairs), "agreeing": agreeing,
                     "baselineUnmatched": sum(1 for k in a if k not in b and k not in repeated),
                     "candidateUnmatched": sum(1 for k in b if k not in a and k not in repeated),
                     "baselineRepeated": sum(len(a[k]) for k in repeated if k in a),
                     "candidateRepeated": sum(len(b[k]) for k in repeated if k in b),
                     "rate": agreeing / len(pairs) if pairs else None}
    n = out["baselineRows"] + out["candidateRows"]
    split = stats.chisquare([out["candidateRows"], out["baselineRows"]], f_exp=[n * 0.49, n * (1 - 0.49)])
    out["split"] = {"expected": 49, "chiSquare": float(split.statistic), "pValue": float(split.pvalue)}
    return out


result = {"scipy": scipy.__version__, "numpy": np.__version__, "cases": {}}
for name, (seed, requests) in CASES.items():
    if name != "big":
        write(name, seed, requests)
    result["cases"][name] = {"seed": seed, "requests": requests, **case(seed, requests)}
with open("outputs.json", "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
