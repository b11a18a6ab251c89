"""
========================================
AdaBoost: staged training and test error
========================================

:class:`skdl.ensemble.AdaBoostClassifier` adds one decision stump per round.
``staged_predict`` yields the ensemble after every round, so one fit gives
the whole learning curve. The training error keeps falling; the test error
falls and then levels off. scikit-learn's AdaBoost with the same
``random_state`` gives the same curve (skdl's stumps are the same, only
faster to fit); it is drawn dashed on top.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_hastie_10_2
from sklearn.ensemble import AdaBoostClassifier as SklearnAdaBoost

from skdl.ensemble import AdaBoostClassifier

X, y = make_hastie_10_2(n_samples=4000, random_state=0)
X_train, y_train, X_test, y_test = X[:2000], y[:2000], X[2000:], y[2000:]

clf = AdaBoostClassifier(n_estimators=300, random_state=0).fit(X_train, y_train)
ref = SklearnAdaBoost(n_estimators=300, random_state=0).fit(X_train, y_train)


def staged_error(model, X, y):
    return [np.mean(pred != y) for pred in model.staged_predict(X)]


# %%
fig, ax = plt.subplots(figsize=(7, 4))
rounds = np.arange(1, len(clf.estimators_) + 1)
ax.plot(rounds, staged_error(clf, X_train, y_train), label="skdl, training error")
ax.plot(rounds, staged_error(clf, X_test, y_test), label="skdl, test error")
ax.plot(rounds, staged_error(ref, X_test, y_test), "k--", lw=1, label="scikit-learn, test error")
ax.set_xlabel("boosting round (number of stumps)")
ax.set_ylabel("error rate")
ax.set_title("SAMME with decision stumps on make_hastie_10_2")
ax.legend()
fig.tight_layout()
plt.show()
