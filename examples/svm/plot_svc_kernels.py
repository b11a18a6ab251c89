"""
================================================
Decision boundaries of the four kernels of SVC
================================================

:class:`skdl.svm.SVC` separates the classes by a hyperplane in the feature
space of its kernel; back in the input space the boundary is a line for the
linear kernel and a curve for the others. This example fits the four kernels
on two interleaved half-moons and draws, for each, the decision function
(shaded), the boundary (``f(x) = 0``, solid), the margins (``f(x) = +-1``,
dashed) and the support vectors (circled).

The linear kernel cannot follow the moons. The polynomial kernel (degree 3)
bends the boundary once; the RBF kernel follows the data closely; the sigmoid
kernel, which is not positive semi-definite, gives a weaker fit. See
:ref:`svm` for the kernel trick.
"""

# %%
# Fit one SVC per kernel
# ----------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.preprocessing import StandardScaler

from skdl.svm import SVC

X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
X = StandardScaler().fit_transform(X)
kernels = {
    "linear": {},
    "poly": {"degree": 3, "coef0": 1.0},
    "rbf": {},
    "sigmoid": {"gamma": 0.5, "coef0": -0.5},
}
models = {name: SVC(kernel=name, C=1.0, device="cpu", **kw).fit(X, y) for name, kw in kernels.items()}

# %%
# Draw the decision functions
# ---------------------------
xx, yy = np.meshgrid(np.linspace(-2.5, 2.5, 200), np.linspace(-2.5, 2.5, 200))
grid = np.c_[xx.ravel(), yy.ravel()]
fig, axes = plt.subplots(1, 4, figsize=(16, 4), sharey=True)
for ax, (name, model) in zip(axes, models.items()):
    f = model.decision_function(grid).reshape(xx.shape)
    ax.contourf(xx, yy, f, levels=20, cmap="RdBu", alpha=0.6)
    ax.contour(xx, yy, f, levels=[-1, 0, 1], colors="k", linestyles=["--", "-", "--"])
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolors="k", s=20)
    sv = model.support_vectors_
    ax.scatter(sv[:, 0], sv[:, 1], s=80, facecolors="none", edgecolors="k", linewidths=1)
    ax.set_title(f"{name}: accuracy {model.score(X, y):.2f}, {len(sv)} SVs")
fig.tight_layout()
plt.show()
