"""
======================================================
AdaCost: recall and total cost as the cost ratio grows
======================================================

On an imbalanced problem (10% positives), :class:`skdl.ensemble.AdaCostClassifier`
is trained with a growing cost of missing a positive (false negative),
a false alarm costing 1. Raising the cost raises the recall of the
positive class, and the total misclassification cost on held-out data
(measured with the same cost ratio) stays at or below that of the cost-blind
:class:`skdl.ensemble.AdaBoostClassifier`: equal at a ratio of 1, where
AdaCost is AdaBoost, and about a sixth of it at a ratio of 50. The first
stump is fitted to the cost-weighted start, so boosting never stalls there
(a single-stump ensemble, which would be marked ``x``, does not occur).
See :ref:`boosting`.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import confusion_matrix, recall_score
from sklearn.model_selection import train_test_split

from skdl.ensemble import AdaBoostClassifier, AdaCostClassifier

X, y = make_classification(3000, 10, n_informative=4, weights=[0.9], flip_y=0.05, class_sep=0.8, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)
plain = AdaBoostClassifier(n_estimators=50, random_state=0).fit(X_train, y_train).predict(X_test)

ratios = [1, 2, 3, 5, 7, 10, 20, 50]
recalls, costs, plain_costs, single = [], [], [], []
for ratio in ratios:
    matrix = np.array([[0, 1], [ratio, 0]])
    clf = AdaCostClassifier(n_estimators=50, cost_matrix=matrix, random_state=0)
    pred = clf.fit(X_train, y_train).predict(X_test)
    single.append(len(clf.estimators_) == 1)
    recalls.append(recall_score(y_test, pred))
    costs.append((confusion_matrix(y_test, pred) * matrix).sum())
    plain_costs.append((confusion_matrix(y_test, plain) * matrix).sum())

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
single = np.array(single)
ax1.plot(ratios, recalls, "-", color="C0")
ax1.plot(np.array(ratios)[~single], np.array(recalls)[~single], "o", color="C0", label="AdaCost")
ax1.plot(np.array(ratios)[single], np.array(recalls)[single], "x", color="C0", ms=8, label="AdaCost, first stump alone")
ax1.axhline(recall_score(y_test, plain), color="k", ls="--", label="AdaBoost")
ax1.set_xscale("log")
ax1.set_xlabel("cost of a false negative / cost of a false positive")
ax1.set_ylabel("recall of the rare class")
ax1.legend()
ax2.plot(ratios, costs, "o-", label="AdaCost")
ax2.plot(np.array(ratios)[single], np.array(costs)[single], "x", color="C0", ms=8)
ax2.plot(ratios, plain_costs, "k--", label="AdaBoost")
ax2.set_xscale("log")
ax2.set_yscale("log")
ax2.set_xlabel("cost of a false negative / cost of a false positive")
ax2.set_ylabel("total cost on held-out data")
ax2.legend()
fig.tight_layout()
plt.show()
