"""
===========================================================
L1 versus L2 regularisation paths of logistic regression
===========================================================

How do the coefficients of :class:`skdl.linear_model.LogisticRegression`
change with the regularisation strength ``C``? This example fits the breast
cancer data (30 standardised features) for 25 values of ``C``, once with the
L2 penalty (``l1_ratio=0``, solver ``"lbfgs"``) and once with the L1 penalty
(``l1_ratio=1``, solver ``"proximal"``), warm-starting each fit from the
previous one.

With L2 every coefficient shrinks smoothly towards zero but none reaches it.
With L1 the coefficients enter the model one by one as ``C`` grows: for a
small ``C`` only a few features have a non-zero weight, the others are
exactly zero. See :ref:`linear_models` for the geometry behind this.
"""

# %%
# Fit the two paths
# -----------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

from skdl.linear_model import LogisticRegression

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
Cs = np.logspace(-3, 1, 25)

paths = {}
for name, params in {
    "L2 (lbfgs)": {"l1_ratio": 0.0, "solver": "lbfgs"},
    "L1 (proximal)": {"l1_ratio": 1.0, "solver": "proximal"},
}.items():
    clf = LogisticRegression(warm_start=True, max_iter=2000, tol=1e-6, device="cpu", **params)
    coefs = []
    for C in Cs:
        clf.set_params(C=C).fit(X, y)
        coefs.append(clf.coef_.ravel().copy())
    paths[name] = np.array(coefs)

# %%
# Plot the coefficients against C
# -------------------------------
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, (name, coefs) in zip(axes, paths.items()):
    ax.semilogx(Cs, coefs)
    ax.set_title(f"{name}: {np.mean(coefs[0] == 0):.0%} zeros at C={Cs[0]:g}")
    ax.set_xlabel("C (inverse regularisation strength)")
axes[0].set_ylabel("coefficient")
fig.tight_layout()
plt.show()

# %%
# Number of selected features along the L1 path
# ----------------------------------------------
n_selected = (paths["L1 (proximal)"] != 0).sum(axis=1)
print("features selected by L1 for each C:", n_selected.tolist())
