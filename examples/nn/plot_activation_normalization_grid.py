"""
=====================================================
Grid search over activation and normalisation
=====================================================

Every part of the training toolbox of :class:`skdl.nn.MLPClassifier` is a
plain constructor parameter, so :class:`~sklearn.model_selection.GridSearchCV`
can search it like any other hyper-parameter. Here a deep, narrow network
(six hidden layers of 32 units) is trained on the digits for a fixed, short
budget of epochs, for every pair of activation and normalisation.

Without normalisation, the saturating ``sigmoid`` network stays at chance
level in that budget: the sigmoid's derivative is at most 1/4, so the
gradient shrinks at every layer on its way back to the first ones (the
*vanishing gradient*). ``tanh``, ``relu`` and ``elu`` keep more of the
gradient's scale. Batch normalisation, which standardises the inputs of every
activation over the mini-batch, lets the sigmoid network learn. With such a
short budget the other differences are small and depend on the seed: the
point is the search itself, every cell a fit of the same estimator with two
string parameters changed.
"""

# %%
# Search
# ------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl.nn import MLPClassifier

X, y = load_digits(return_X_y=True)
activations = ["sigmoid", "tanh", "relu", "elu"]
normalizations = [None, "batch", "layer"]
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(
        (32,) * 6, optimizer="sgd", learning_rate=0.05, max_epochs=6, batch_size=64, random_state=0, device="cpu"
    ),
)
search = GridSearchCV(
    pipe,
    {"mlpclassifier__activation": activations, "mlpclassifier__normalization": normalizations},
    cv=2,
).fit(X, y)
print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")

# %%
# Mean cross-validated accuracy of each pair
# ------------------------------------------
results = search.cv_results_
scores = np.zeros((len(activations), len(normalizations)))
for params, score in zip(results["params"], results["mean_test_score"]):
    i = activations.index(params["mlpclassifier__activation"])
    j = normalizations.index(params["mlpclassifier__normalization"])
    scores[i, j] = score

fig, ax = plt.subplots(figsize=(5.5, 4))
image = ax.imshow(scores, vmin=0, vmax=1, cmap="viridis")
ax.set_xticks(range(len(normalizations)), [str(n) for n in normalizations])
ax.set_yticks(range(len(activations)), activations)
ax.set_xlabel("normalization")
ax.set_ylabel("activation")
for i in range(len(activations)):
    for j in range(len(normalizations)):
        ax.text(j, i, f"{scores[i, j]:.2f}", ha="center", va="center", color="white" if scores[i, j] < 0.6 else "black")
fig.colorbar(image, label="mean CV accuracy")
ax.set_title("SGD, 6 epochs, 6 hidden layers")
fig.tight_layout()
plt.show()
