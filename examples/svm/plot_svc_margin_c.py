"""
======================================================
The margin and the support vectors as C varies
======================================================

``C`` prices each margin violation. With a small ``C`` the margin is wide:
many samples sit inside it, all of them support vectors, and the hyperplane
is decided by many samples at once (strong regularisation). As ``C`` grows,
violations cost more, the margin narrows and fewer samples remain support
vectors. This example fits a linear :class:`skdl.svm.SVC` on two overlapping
blobs for three values of ``C`` and draws the separating line, the margins
(dashed) and the support vectors (circled: free ones, with ``0 < alpha < C``,
in black, bounded ones, ``alpha = C``, in grey). The last panel shows how
the number of support vectors and the margin width ``2 / ||w||`` fall as
``C`` grows. See :ref:`svm` for the KKT conditions behind the three kinds of
samples.
"""

# %%
# Fit for three values of C
# -------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_blobs

from skdl.svm import SVC

X, y = make_blobs(n_samples=120, centers=2, cluster_std=1.6, random_state=3)
xx, yy = np.meshgrid(
    np.linspace(X[:, 0].min() - 1, X[:, 0].max() + 1, 200), np.linspace(X[:, 1].min() - 1, X[:, 1].max() + 1, 200)
)
grid = np.c_[xx.ravel(), yy.ravel()]

fig, axes = plt.subplots(1, 4, figsize=(17, 4))
for ax, C in zip(axes, [0.01, 0.1, 10.0]):
    model = SVC(kernel="linear", C=C, device="cpu").fit(X, y)
    f = model.decision_function(grid).reshape(xx.shape)
    ax.contour(xx, yy, f, levels=[-1, 0, 1], colors="k", linestyles=["--", "-", "--"])
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=20)
    bounded = np.isclose(np.abs(model.dual_coef_[0]), C)
    sv = model.support_vectors_
    ax.scatter(sv[~bounded, 0], sv[~bounded, 1], s=90, facecolors="none", edgecolors="k")
    ax.scatter(sv[bounded, 0], sv[bounded, 1], s=90, facecolors="none", edgecolors="grey")
    width = 2 / np.linalg.norm(model.coef_)
    ax.set_title(f"C={C}: {len(sv)} SVs, margin {width:.2f}")

# %%
# Support vectors and margin width along C
# ----------------------------------------
Cs = np.logspace(-3, 2, 20)
n_sv, widths = [], []
for C in Cs:
    model = SVC(kernel="linear", C=C, device="cpu").fit(X, y)
    n_sv.append(len(model.support_))
    widths.append(2 / np.linalg.norm(model.coef_))
ax = axes[3]
ax.semilogx(Cs, n_sv, "o-", label="support vectors")
ax.set_xlabel("C")
ax.set_ylabel("support vectors")
ax2 = ax.twinx()
ax2.semilogx(Cs, widths, "s--", color="tab:orange", label="margin width")
ax2.set_ylabel("margin width 2 / ||w||")
ax.set_title("fewer support vectors, narrower margin")
fig.tight_layout()
plt.show()
