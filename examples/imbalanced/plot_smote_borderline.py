"""
=============================================
SMOTE and Borderline-SMOTE on a 2-D data set
=============================================

Two overlapping classes, one ten times rarer than the other, before and after
over-sampling with :class:`skdl.over_sampling.SMOTE` and with
:class:`skdl.over_sampling.BorderlineSMOTE` (``kind="borderline-1"``).

SMOTE places each new sample on the segment between a minority sample and one
of its nearest minority neighbours, all over the minority region.
Borderline-SMOTE starts segments only from the minority samples *in danger*
(circled): those with at least half of their ``m_neighbors`` nearest
neighbours in the other class, so the new samples gather along the border,
where the classifier needs them. See :ref:`imbalanced`.
"""

# %%
# Data: 900 majority and 90 minority samples
# ------------------------------------------
from collections import Counter

import matplotlib.pyplot as plt
from sklearn.datasets import make_classification

from skdl.over_sampling import SMOTE, BorderlineSMOTE

X, y = make_classification(
    n_samples=990,
    n_features=2,
    n_informative=2,
    n_redundant=0,
    n_clusters_per_class=1,
    weights=[0.91],
    class_sep=0.8,
    random_state=4,
)
print("before:", {int(k): v for k, v in Counter(y).items()})

# %%
# Over-sample both ways
# ---------------------
smote = SMOTE(random_state=0)
X_smote, y_smote = smote.fit_resample(X, y)
border = BorderlineSMOTE(random_state=0)
X_border, y_border = border.fit_resample(X, y)
print("after SMOTE:", {int(k): v for k, v in Counter(y_smote).items()})
print("after Borderline-SMOTE:", {int(k): v for k, v in Counter(y_border).items()})
print("minority samples in danger:", border.in_danger_indices_[1].size)

# %%
# Plot: originals, then the synthetic samples (crosses)
# -----------------------------------------------------
n = len(X)
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), sharex=True, sharey=True)
panels = [("original data", X, y), ("SMOTE", X_smote, y_smote), ("Borderline-SMOTE", X_border, y_border)]
for ax, (title, X_res, y_res) in zip(axes, panels):
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=8, c="tab:blue", alpha=0.35, label="majority")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=14, c="tab:red", label="minority")
    new = X_res[n:]
    if len(new):
        ax.scatter(new[:, 0], new[:, 1], s=10, c="tab:orange", marker="x", alpha=0.6, label="synthetic")
    ax.set_title(title)
danger = X[border.in_danger_indices_[1]]
axes[2].scatter(danger[:, 0], danger[:, 1], s=60, facecolors="none", edgecolors="k", label="in danger")
axes[2].legend(loc="lower left", fontsize=8)
fig.tight_layout()
plt.show()
