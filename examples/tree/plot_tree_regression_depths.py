"""
=====================================================
A regression tree's piecewise-constant fit with depth
=====================================================

A regression tree predicts the mean of the training targets in each leaf, so
its prediction is a step function of x with at most ``2 ** max_depth``
steps. This example fits :class:`skdl.tree.DecisionTreeRegressor` to a noisy
sine at depths 1, 3 and 8: a stump fits one jump, depth 3 follows the shape,
and depth 8 also follows the noise. The held-out R^2 says which depth
generalises; :meth:`~skdl.tree.DecisionTreeRegressor.cost_complexity_pruning_path`
is the principled way to choose the size (see :ref:`trees`).
"""

# %%
# Data: a noisy sine
# ------------------
import matplotlib.pyplot as plt
import numpy as np

from skdl.tree import DecisionTreeRegressor

rng = np.random.RandomState(0)
X = np.sort(5 * rng.rand(200, 1), axis=0)
y = np.sin(X).ravel() + 0.2 * rng.randn(200)
X_test = np.sort(5 * rng.rand(500, 1), axis=0)
y_test = np.sin(X_test).ravel() + 0.2 * rng.randn(500)
grid = np.linspace(0, 5, 1000)[:, None]

# %%
# Fits at three depths
# --------------------
fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(X, y, s=10, c="0.6", label="training data")
for depth, color in [(1, "tab:blue"), (3, "tab:green"), (8, "tab:red")]:
    tree = DecisionTreeRegressor(max_depth=depth, random_state=0).fit(X, y)
    r2 = tree.score(X_test, y_test)
    ax.plot(
        grid,
        tree.predict(grid),
        color=color,
        lw=2,
        label=f"max_depth={depth}: {tree.get_n_leaves()} leaves, test R2 {r2:.2f}",
    )
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Each leaf predicts the mean of its samples")
ax.legend(loc="lower left", fontsize=8)
fig.tight_layout()
plt.show()
