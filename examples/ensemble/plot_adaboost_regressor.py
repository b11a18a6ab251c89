"""
==================================================
AdaBoost.R2 regression versus a single tree
==================================================

:class:`skdl.ensemble.AdaBoostRegressor` implements Drucker's AdaBoost.R2:
each round fits a regression tree on a bootstrap sample drawn with the
current sample weights, then raises the weights of the samples it predicts
worst. The ensemble predicts the *weighted median* of its trees.

On a noisy 1-D signal, a single :class:`skdl.tree.DecisionTreeRegressor` of
depth 4 is a coarse step function; boosting 150 such trees follows the signal
much more closely. The right panel uses ``staged_score`` to draw the held-out
R^2 after every round for the three ways of turning a sample's error into a
loss (``loss="linear"``, ``"square"`` and ``"exponential"``). The square
loss weighs the worst-predicted samples, here the noisiest, most heavily: on
this data it peaks after a few dozen rounds and then drifts down, while the
other two level off. See :ref:`boosting`.
"""

# %%
# Data: two sines and noise
# -------------------------
import matplotlib.pyplot as plt
import numpy as np

from skdl.ensemble import AdaBoostRegressor
from skdl.tree import DecisionTreeRegressor


def signal(x):
    return np.sin(x).ravel() + np.sin(6 * x).ravel()


rng = np.random.RandomState(1)
X = np.sort(6 * rng.rand(300, 1), axis=0)
y = signal(X) + 0.3 * rng.randn(300)
X_test = 6 * rng.rand(1000, 1)
y_test = signal(X_test) + 0.3 * rng.randn(1000)
grid = np.linspace(0, 6, 600)[:, None]

# %%
# One tree and three boosted ensembles
# ------------------------------------
tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
boosted = {
    loss: AdaBoostRegressor(DecisionTreeRegressor(max_depth=4), n_estimators=150, loss=loss, random_state=0).fit(X, y)
    for loss in ["linear", "square", "exponential"]
}
print(f"single tree (depth 4): test R2 = {tree.score(X_test, y_test):.3f}")
for loss, model in boosted.items():
    print(f"AdaBoost.R2, loss={loss!r:14}: test R2 = {model.score(X_test, y_test):.3f}, {len(model.estimators_)} trees")

# %%
# Plot: the fits, and the test R^2 along the boosting rounds
# ----------------------------------------------------------
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [3, 2]})
ax.scatter(X, y, s=8, c="0.65", label="training data")
ax.plot(grid, signal(grid), "k:", lw=1, label="true signal")
ax.plot(grid, tree.predict(grid), color="tab:blue", lw=2, label=f"one tree, R2 {tree.score(X_test, y_test):.2f}")
ax.plot(
    grid,
    boosted["linear"].predict(grid),
    color="tab:red",
    lw=2,
    label=f"AdaBoost.R2 (150 trees), R2 {boosted['linear'].score(X_test, y_test):.2f}",
)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Depth-4 trees: one versus boosted (loss='linear')")
ax.legend(loc="lower left", fontsize=8)

for (loss, model), color in zip(boosted.items(), ["tab:red", "tab:green", "tab:purple"]):
    scores = list(model.staged_score(X_test, y_test))
    ax2.plot(np.arange(1, len(scores) + 1), scores, color=color, label=f"loss={loss!r}")
ax2.axhline(tree.score(X_test, y_test), color="tab:blue", ls="--", lw=1, label="one tree")
ax2.set_xlabel("boosting round")
ax2.set_ylabel("test R2")
ax2.set_title("Held-out R2 along the rounds")
ax2.legend(loc="lower right", fontsize=8)
fig.tight_layout()
plt.show()
