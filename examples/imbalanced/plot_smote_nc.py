"""
==================================================
SMOTENC and SMOTEN: over-sampling categorical data
==================================================

A minority class described by two numerical features and a colour, a
categorical feature whose frequencies differ between the classes.
:class:`skdl.over_sampling.SMOTENC` interpolates the numerical features as
SMOTE does and gives each synthetic sample the colour most frequent among its
base sample's neighbours; two samples of different colours are the median of
the numerical standard deviations apart on that feature.
:class:`skdl.over_sampling.SMOTEN` over-samples data whose features are all
categorical (here the colour and a size), comparing categories by how
differently the classes use them. Both give imbalanced-learn's samples for
the same ``random_state``. See :ref:`imbalanced`.
"""

# %%
# Data: 900 majority and 90 minority samples, with a colour
# ----------------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from imblearn.over_sampling import SMOTENC as ImblearnSMOTENC
from sklearn.datasets import make_classification

from skdl.over_sampling import SMOTEN, SMOTENC

X_numeric, y = make_classification(990, 2, n_redundant=0, n_clusters_per_class=1, weights=[0.91], random_state=4)
rng = np.random.default_rng(0)
colours = np.array(["red", "green", "blue"], dtype=object)
# the majority is mostly blue, the minority mostly red
p = {0: [0.15, 0.25, 0.6], 1: [0.6, 0.3, 0.1]}
colour = np.array([rng.choice(3, p=p[label]) for label in y])
X = np.column_stack([X_numeric.astype(object), colours[colour]])
print("classes:", np.bincount(y).tolist())

# %%
# SMOTENC: numerical and categorical features
# -------------------------------------------
smotenc = SMOTENC(categorical_features=[2], random_state=0)
X_nc, y_nc = smotenc.fit_resample(X, y)
print("after SMOTENC:", np.bincount(y_nc).tolist(), " median std of the minority:", round(smotenc.median_std_[1], 3))
X_imblearn, _ = ImblearnSMOTENC(categorical_features=[2], random_state=0).fit_resample(X, y)
print("same samples as imbalanced-learn:", bool((X_nc == X_imblearn).all()))

# %%
# SMOTEN: categorical features only (the colour and a size)
# ---------------------------------------------------------
size = np.where(rng.random(len(y)) < 0.5 + 0.3 * y, "small", "large").astype(object)
X_cat = np.column_stack([colours[colour], size])
X_n, y_n = SMOTEN(random_state=0).fit_resample(X_cat, y)
print("after SMOTEN:", np.bincount(y_n).tolist())

# %%
# Plot: the synthetic samples and the colours they got
# ----------------------------------------------------
n = len(X)
fig, (ax, bars) = plt.subplots(1, 2, figsize=(12, 4.5))
for index, name in enumerate(colours):
    minority = (y == 1) & (colour == index)
    ax.scatter(X_numeric[minority, 0], X_numeric[minority, 1], s=22, c=f"tab:{name}", edgecolors="k", linewidths=0.5)
    new = X_nc[n:][X_nc[n:, 2] == name]
    ax.scatter(new[:, 0].astype(float), new[:, 1].astype(float), s=12, c=f"tab:{name}", marker="x", alpha=0.6)
ax.scatter(X_numeric[y == 0, 0], X_numeric[y == 0, 1], s=6, c="0.7", alpha=0.4, zorder=0)
ax.set_title("SMOTENC: minority samples (dots), synthetic ones (crosses)\ncoloured by their category")

width = 0.27
shares = {
    "minority, original": np.mean(colours[colour[y == 1]][:, None] == colours, axis=0),
    "SMOTENC synthetic": np.mean(X_nc[n:, 2][:, None] == colours, axis=0),
    "SMOTEN synthetic": np.mean(X_n[n:, 0][:, None] == colours, axis=0),
}
for offset, (label, share) in zip((-width, 0, width), shares.items()):
    bars.bar(np.arange(3) + offset, share, width, label=label)
bars.set_xticks(np.arange(3), colours)
bars.set_ylabel("share of samples")
bars.set_title("Colour of the minority samples")
bars.legend(fontsize=8)
fig.tight_layout()
plt.show()
