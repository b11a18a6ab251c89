"""
Fit time against data size, skdl and its peer
=============================================

For one representative estimator per family, the fit time of skdl and of the
library it stands in for (scikit-learn, or imbalanced-learn for SMOTE) at
growing numbers of samples, on log-log axes: parallel lines mean the same
growth rate, and the vertical gap is the ratio of the two times.

The measurements are not made while this page is built: they come from
``benchmarks/results/scaling.json``, written by::

    python benchmarks/scaling.py

(one warm-up fit of each side, then the two sides alternated; the file holds
the Python and torch versions, the number of threads and the device). Rerun
it on your own machine to see your figures.
"""

import json
from pathlib import Path

import matplotlib.pyplot as plt

# %%
# Read the measurements
# ---------------------
# The example runs from ``examples/benchmarks/`` when the gallery is built,
# and from the repository root when run by hand.
candidates = [Path("benchmarks/results/scaling.json"), Path("../../benchmarks/results/scaling.json")]
path = next(p for p in candidates if p.exists())
measured = json.loads(path.read_text(encoding="utf-8"))
env = measured["environment"]
print(f"python {env['python']}, torch {env['torch']}, {env['threads']} threads, device {env['device']}")

curves = {}
for row in measured["rows"]:
    curves.setdefault((row["family"], row["estimator"]), []).append(row)

# %%
# One panel per family
# --------------------
# The estimators shown: KMeans, LogisticRegression, SVC,
# DecisionTreeClassifier, AdaBoostClassifier, SMOTE and MLPClassifier.
fig, axes = plt.subplots(2, 4, figsize=(12, 5.5))
for ax, ((family, estimator), rows) in zip(axes.flat, curves.items()):
    n = [r["n_samples"] for r in rows]
    ax.loglog(n, [r["skdl_s"] for r in rows], "o-", label="skdl")
    ax.loglog(n, [r["peer_s"] for r in rows], "s--", label="peer")
    ax.set_title(estimator, fontsize=9)
    ax.set_xlabel("samples", fontsize=8)
    ax.tick_params(labelsize=7)
axes.flat[0].set_ylabel("fit time (s)", fontsize=8)
axes.flat[4].set_ylabel("fit time (s)", fontsize=8)
axes.flat[0].legend(fontsize=8)
for ax in list(axes.flat)[len(curves) :]:
    ax.axis("off")
fig.suptitle(f"{env['threads']} threads, device {env['device']} (benchmarks/scaling.py)", fontsize=10)
fig.tight_layout()
plt.show()

# %%
# The ratios
# ----------
# skdl's time over the peer's at each size (below 1: skdl is faster).
for (family, estimator), rows in curves.items():
    ratios = ", ".join(f"{r['n_samples']:,}: {r['ratio']:.2f}" for r in rows)
    print(f"{estimator:24s} {ratios}")
