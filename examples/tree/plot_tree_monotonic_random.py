"""
=======================================================
Monotonic constraints and random thresholds in a tree
=======================================================

Two options of :class:`skdl.tree.DecisionTreeRegressor` beyond the exact
search. ``monotonic_cst=[1]`` forces the prediction to be non-decreasing in
the feature: on a noisy increasing trend the unconstrained tree follows the
dips of the noise, the constrained one never goes down.
``splitter="random"`` draws one threshold per feature uniformly in each
node's range instead of searching them all (the split of Extremely
Randomized Trees): a single tree is rougher, an average of many is smooth.
Both give scikit-learn's trees for the same ``random_state`` (see
:ref:`trees`).
"""

# %%
# Data: an increasing trend with noise
# ------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from skdl.tree import DecisionTreeRegressor

rng = np.random.RandomState(0)
X = np.sort(10 * rng.rand(300, 1), axis=0)
y = X.ravel() + np.sin(2 * X.ravel()) + rng.randn(300)
grid = np.linspace(0, 10, 1000)[:, None]

# %%
# Constrained and unconstrained trees
# -----------------------------------
free = DecisionTreeRegressor(max_depth=5, random_state=0).fit(X, y)
monotonic = DecisionTreeRegressor(max_depth=5, monotonic_cst=[1], random_state=0).fit(X, y)
steps_down = int(np.sum(np.diff(free.predict(grid)) < 0))
print(f"unconstrained tree: the prediction goes down {steps_down} times on the grid")
print("constrained tree: never", np.all(np.diff(monotonic.predict(grid)) >= 0))

# %%
# Random thresholds: one tree and an average of fifty
# ---------------------------------------------------
one = DecisionTreeRegressor(splitter="random", max_depth=5, random_state=0).fit(X, y)
average = np.mean(
    [
        DecisionTreeRegressor(splitter="random", max_depth=5, random_state=seed).fit(X, y).predict(grid)
        for seed in range(50)
    ],
    axis=0,
)

fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax in axes:
    ax.scatter(X, y, s=6, color="0.7", label="training samples")
axes[0].plot(grid, free.predict(grid), label="unconstrained")
axes[0].plot(grid, monotonic.predict(grid), label="monotonic_cst=[1]")
axes[0].set_title("monotonic constraint, max_depth=5")
axes[1].plot(grid, one.predict(grid), label='one tree, splitter="random"')
axes[1].plot(grid, average, label="average of 50 random trees")
axes[1].set_title("random thresholds, max_depth=5")
for ax in axes:
    ax.set_xlabel("x")
    ax.legend(loc="upper left")
axes[0].set_ylabel("y")
fig.tight_layout()
plt.show()
