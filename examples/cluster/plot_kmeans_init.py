"""
======================================================
K-means++ versus random initialisation over many seeds
======================================================

Lloyd's algorithm only finds a local minimum of the within-cluster sum of
squares (the inertia), and which one depends on the starting centers. This
example fits :class:`skdl.cluster.KMeans` once per seed, with a single
initialisation (``n_init=1``), on blobs made by
:func:`sklearn.datasets.make_blobs`, and compares the final inertia reached
from two kinds of start:

- ``init="k-means++"``: each new center is drawn with probability
  proportional to the squared distance to the centers already chosen (greedy
  version, best of ``2 + log(k)`` candidates);
- ``init="random"``: ``k`` distinct samples drawn uniformly.

Random starts often put two centers in one blob and none in another; Lloyd's
iterations cannot move a center across the gap, so those runs end in a worse
local minimum. k-means++ spreads the first centers out and lands near the best
solution far more often. See :ref:`clustering` for the derivation.
"""

# %%
# Data: 15 well separated blobs
# -----------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_blobs

from skdl.cluster import KMeans

n_clusters = 15
X, _ = make_blobs(
    n_samples=3000,
    centers=n_clusters,
    cluster_std=0.7,
    center_box=(-20, 20),
    random_state=42,
)

# %%
# One run per seed and per initialisation
# ---------------------------------------
seeds = range(30)
inertias = {}
for init in ("k-means++", "random"):
    inertias[init] = np.array(
        [KMeans(n_clusters, init=init, n_init=1, random_state=seed, device="cpu").fit(X).inertia_ for seed in seeds]
    )

best = min(values.min() for values in inertias.values())
for init, values in inertias.items():
    print(
        f"{init:>10}: median inertia {np.median(values):9.1f}, "
        f"within 1% of the best run in {np.mean(values <= 1.01 * best):.0%} of seeds"
    )

# %%
# Box plot of the final inertia
# -----------------------------
fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
ax.boxplot(list(inertias.values()), tick_labels=list(inertias))
ax.axhline(best, color="tab:green", linestyle="--", label="best inertia found")
ax.set(
    ylabel="inertia after Lloyd's iterations",
    title=f"{len(seeds)} seeds, n_init=1, {n_clusters} blobs",
)
ax.legend()
plt.show()
