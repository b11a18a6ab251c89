"""
=====================================================
LinearSVC: hinge or squared hinge, L2 or L1 penalty
=====================================================

:class:`skdl.svm.LinearSVC` fits a linear support vector classifier in the
primal, as scikit-learn's (liblinear's) ``LinearSVC`` does. Two choices shape
the solution.

The **loss** prices a margin violation ``xi = max(0, 1 - y f(x))``: the
``"hinge"`` loss pays ``xi``, the ``"squared_hinge"`` loss (the default) pays
``xi ** 2``. The squared hinge is smooth, which allows a fast Newton solver,
but it charges badly misclassified samples much more, so a few of them pull
the hyperplane towards themselves. The top row fits both losses on two blobs
with a handful of mislabelled points far on the wrong side, and draws the
separating line and the margins ``f(x) = +-1`` (dashed).

The **penalty** ``"l1"`` (with the squared hinge) drives coefficients exactly
to zero, so it selects features; ``"l2"`` only shrinks them. The bottom row
draws the coefficients of the 30 standardised features of the breast cancer
data along ``C``: with L1, features enter one by one as ``C`` grows (the
paths are jagged because many of these features are strongly correlated, and
L1 keeps one of a correlated group, not always the same one). See
:ref:`linear_models` for the objectives and solvers.
"""

# %%
# Two blobs with a few mislabelled outliers
# -----------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, make_blobs
from sklearn.preprocessing import StandardScaler

from skdl.svm import LinearSVC

X, y = make_blobs(n_samples=200, centers=[[-2, -1], [2, 1]], cluster_std=1.2, random_state=0)
rng = np.random.RandomState(0)
outliers = rng.normal(loc=[5, 4], scale=0.5, size=(8, 2))
X = np.vstack([X, outliers])
y = np.concatenate([y, np.zeros(8, dtype=int)])

xx, yy = np.meshgrid(
    np.linspace(X[:, 0].min() - 1, X[:, 0].max() + 1, 200), np.linspace(X[:, 1].min() - 1, X[:, 1].max() + 1, 200)
)
grid = np.c_[xx.ravel(), yy.ravel()]

fig, axes = plt.subplots(2, 2, figsize=(11, 9))
for ax, loss in zip(axes[0], ["hinge", "squared_hinge"]):
    model = LinearSVC(loss=loss, C=1.0, random_state=0).fit(X, y)
    f = model.decision_function(grid).reshape(xx.shape)
    ax.contourf(xx, yy, f, levels=[-100, 0, 100], colors=["tab:blue", "tab:red"], alpha=0.12)
    ax.contour(xx, yy, f, levels=[-1, 0, 1], colors="k", linestyles=["--", "-", "--"])
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=18, edgecolors="k", linewidths=0.3)
    ax.scatter(outliers[:, 0], outliers[:, 1], s=90, facecolors="none", edgecolors="k", label="mislabelled outliers")
    w, b = model.coef_[0], model.intercept_[0]
    ax.set_title(
        f'loss="{loss}": training accuracy {model.score(X, y):.3f}\nw = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}',
        fontsize=10,
    )
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
axes[0, 0].legend(loc="upper left", fontsize=8)

# %%
# Coefficient paths of the L2 and L1 penalties
# --------------------------------------------
X_bc, y_bc = load_breast_cancer(return_X_y=True)
X_bc = StandardScaler().fit_transform(X_bc)
Cs = np.logspace(-3, 0, 15)
for ax, penalty in zip(axes[1], ["l2", "l1"]):
    coefs = np.array(
        [LinearSVC(penalty=penalty, C=C, max_iter=2000, random_state=0).fit(X_bc, y_bc).coef_[0] for C in Cs]
    )
    ax.semilogx(Cs, coefs, lw=1)
    n_zero = int(np.sum(coefs[len(Cs) // 2] == 0))
    ax.set_title(
        f'penalty="{penalty}", loss="squared_hinge"\n{n_zero} of 30 coefficients are zero at C={Cs[len(Cs) // 2]:.3g}',
        fontsize=10,
    )
    ax.set_xlabel("C")
    ax.set_ylabel("coefficient")
fig.tight_layout()
plt.show()
