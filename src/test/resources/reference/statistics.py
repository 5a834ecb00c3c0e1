"""Reference values for rollout's baseline-vs-candidate comparisons, from scipy and numpy.

Samples A-D are the research notes' vectors (x = candidate, y = baseline); E-G are new,
seeded. For each: Welch's t-test p-value (scipy.stats.ttest_ind, equal_var=False) and its
interval from the t quantile with Welch-Satterthwaite degrees of freedom; Mann-Whitney
two-sided asymptotic with continuity correction (scipy.stats.mannwhitneyu, method="asymptotic");
the Hodges-Lehmann shift (median of all x_i - y_j) with its large-sample Moses interval; and
the closed-form mSPRT (tau = 10, alpha = 0.05): always-valid p-value and confidence sequence.
Run with Debian's Python (python3-scipy comes with python3-sklearn):

    cd src/test/resources/reference && /usr/bin/python3 statistics.py
"""
import json
import math
import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(5)
samples = {
    "A": ([112.1, 98.4, 130.7, 101.2, 125.3, 118.9, 140.2, 109.5],
          [95.3, 102.8, 99.1, 88.7, 105.6, 93.2, 110.4, 97.9, 91.5]),
    "B": ([3, 4, 4, 5, 6, 6, 7, 8, 9, 9], [1, 2, 3, 3, 4, 5, 5, 6, 7, 7]),
    "C": ([105.5 + (37 * i % 101) for i in range(1, 61)], [95 + (53 * j % 103) for j in range(1, 56)]),
    "E": (list(np.round(rng.normal(100, 15, 300), 2)), list(np.round(rng.normal(97, 15, 250), 2))),
    "F": (list(np.round(rng.lognormal(4, 0.5, 400), 1)), list(np.round(rng.lognormal(4.05, 0.5, 420), 1))),
    "G": (list((rng.random(500) < 0.031).astype(float)), list((rng.random(520) < 0.02).astype(float))),
}


def msprt(x, y, tau, alpha):
    x, y = np.asarray(x, float), np.asarray(y, float)
    delta = x.mean() - y.mean()
    v = x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y)
    log_lambda = 0.5 * math.log(v / (v + tau * tau)) + tau * tau * delta * delta / (2 * v * (v + tau * tau))
    half = math.sqrt(v * (v + tau * tau) / (tau * tau) * math.log((v + tau * tau) / (v * alpha * alpha)))
    return {"delta": delta, "v": v, "logLambda": log_lambda, "p": min(1.0, math.exp(-log_lambda)),
            "lower": delta - half, "upper": delta + half}


def welch(x, y, confidence):
    x, y = np.asarray(x, float), np.asarray(y, float)
    r = stats.ttest_ind(x, y, equal_var=False)
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    df = (vx + vy) ** 2 / (vx ** 2 / (len(x) - 1) + vy ** 2 / (len(y) - 1))
    t = stats.t.isf((1 - confidence) / 2, df)
    d = x.mean() - y.mean()
    return {"p": float(r.pvalue), "estimate": d, "lower": d - t * math.sqrt(vx + vy), "upper": d + t * math.sqrt(vx + vy), "df": df}


def hodges_lehmann(x, y, confidence):
    d = np.sort(np.subtract.outer(np.asarray(x, float), np.asarray(y, float)).ravel())
    n, m = len(x), len(y)
    z = stats.norm.isf((1 - confidence) / 2)
    k = int(math.floor(n * m / 2 - z * math.sqrt(n * m * (n + m + 1) / 12)))
    k = max(1, min(k, len(d)))
    return {"estimate": float(np.median(d)), "lower": float(d[k - 1]), "upper": float(d[len(d) - k])}


out = {"scipy": scipy.__version__, "numpy": np.__version__}
for name, (x, y) in samples.items():
    out[name] = {
        "x": [float(v) for v in x], "y": [float(v) for v in y],
        "welch": welch(x, y, 0.95),
        "mannWhitney": {"p": float(stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
                                                       use_continuity=True).pvalue),
                        **hodges_lehmann(x, y, 0.95)},
        "msprt": msprt(x, y, 10.0, 0.05),
    }
with open("statistics.json", "w") as f:
    json.dump(out, f, indent=1)
print({k: (v["msprt"]["p"], v["welch"]["p"]) for k, v in out.items() if isinstance(v, dict)})
