"""
==================================================================
Random over- and under-sampling, with and without shrinkage
==================================================================

The simplest way to balance the classes is to resample at random.
:class:`skdl.over_sampling.RandomOverSampler` draws minority samples again,
with replacement, until the classes are the same size;
:class:`skdl.under_sampling.RandomUnderSampler` keeps a random subset of the
majority class the size of the minority class.

Plain over-sampling only *repeats* points: the drawn copies sit exactly on
the originals (here each minority point is drawn with a size that grows with
the number of its copies), so a flexible model can memorise them. With
``shrinkage`` the copies get Gaussian noise (a smoothed bootstrap): a cloud
around each original, whose width ``shrinkage`` scales. Under-sampling throws majority samples away:
cheap, and balanced, but it loses information.

Each panel also draws the decision boundary (``predict_proba = 0.5``) of a
:class:`skdl.linear_model.LogisticRegression` fitted on the resampled data.
Balancing moves the boundary into the majority class: the minority recall
rises, at the price of more majority samples misclassified. See
:ref:`imbalanced`.
"""

# %%
# Data: 950 majority and 50 minority samples
# ------------------------------------------
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import recall_score

from skdl.linear_model import LogisticRegression
from skdl.over_sampling import RandomOverSampler
from skdl.under_sampling import RandomUnderSampler

rng = np.random.RandomState(0)
X = np.vstack([rng.normal(0, 1.0, size=(950, 2)), rng.normal([1.8, 1.4], 0.6, size=(50, 2))])
y = np.repeat([0, 1], [950, 50])
print("original:", dict(sorted(Counter(y.tolist()).items())))

# %%
# Resample three ways
# -------------------
samplers = {
    "RandomOverSampler": RandomOverSampler(random_state=0),
    "RandomOverSampler(shrinkage=1)": RandomOverSampler(shrinkage=1.0, random_state=0),
    "RandomUnderSampler": RandomUnderSampler(random_state=0),
}
resampled = {"original data": (X, y, np.arange(len(y)))}
for name, sampler in samplers.items():
    X_res, y_res = sampler.fit_resample(X, y)
    resampled[name] = (X_res, y_res, sampler.sample_indices_)
    print(f"{name:31}:", dict(sorted(Counter(y_res.tolist()).items())))

# %%
# Plot: the resampled sets and the boundary of a model fitted on each
# -------------------------------------------------------------------
xx, yy = np.meshgrid(
    np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 200),
    np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 200),
)
grid = np.c_[xx.ravel(), yy.ravel()]

fig, axes = plt.subplots(1, 4, figsize=(17, 4.6), sharex=True, sharey=True)
for ax, (title, (X_res, y_res, indices)) in zip(axes, resampled.items()):
    n_copies = np.bincount(indices, minlength=len(y))
    maj, mino = y_res == 0, y_res == 1
    ax.scatter(X_res[maj, 0], X_res[maj, 1], s=6, c="tab:blue", alpha=0.35, label="majority")
    if "shrinkage" in title:
        ax.scatter(X_res[mino, 0], X_res[mino, 1], s=8, c="tab:red", alpha=0.5, label="minority (drawn with noise)")
    else:
        # One marker per distinct minority sample, larger when drawn several times.
        kept = np.unique(indices[mino])
        ax.scatter(
            X[kept, 0],
            X[kept, 1],
            s=10 + 4 * (n_copies[kept] - 1),
            c="tab:red",
            alpha=0.6,
            edgecolors="k",
            linewidths=0.3,
            label="minority (larger: more copies)",
        )
    model = LogisticRegression().fit(X_res, y_res)
    proba = model.predict_proba(grid)[:, 1].reshape(xx.shape)
    ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=1.5)
    recall = recall_score(y, model.predict(X), average=None)
    counts = np.bincount(y_res)
    ax.set_title(
        f"{title}\nclass counts {counts[0]} / {counts[1]}; recall on the original "
        f"data\nmajority {recall[0]:.2f}, minority {recall[1]:.2f}",
        fontsize=10,
    )
    ax.set_xlabel("x0")
    legend = ax.legend(loc="lower left", fontsize=8)
    for handle in legend.legend_handles:
        handle.set_sizes([20])
axes[0].set_ylabel("x1")
fig.tight_layout()
plt.show()
