"""
====================================================================
ROC curves: BalanceCascade, EasyEnsemble and plain AdaBoost
====================================================================

On data with one positive sample for nine negatives, three classifiers of
about the same size are compared on a held-out split:

- :class:`skdl.ensemble.AdaBoostClassifier` of 250 stumps on the data as it is;
- :class:`skdl.ensemble.EasyEnsembleClassifier`: 5 AdaBoost learners of 50
  stumps, each on all positives and as many random negatives;
- :class:`skdl.ensemble.BalanceCascadeClassifier`: 5 rounds of 50 stumps,
  each round dropping the negatives already classified correctly.

ROC curves show the ranking; the marker on each curve is the operating point
of ``predict``, where the G-mean :math:`\\sqrt{\\text{recall} \\times
\\text{specificity}}` is read. AdaBoost ranks well but its default threshold
favours the majority; the two balanced ensembles put ``predict`` near the
balanced point. See :ref:`imbalanced`.
"""

# %%
# Data and models
# ---------------
import matplotlib.pyplot as plt
from imblearn.metrics import geometric_mean_score
from sklearn.datasets import make_classification
from sklearn.metrics import RocCurveDisplay, confusion_matrix, roc_auc_score
from sklearn.model_selection import train_test_split

from skdl.ensemble import AdaBoostClassifier, BalanceCascadeClassifier, EasyEnsembleClassifier

X, y = make_classification(n_samples=4000, n_features=20, n_informative=6, weights=[0.9], flip_y=0.03, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)

models = {
    "AdaBoost (250 stumps)": AdaBoostClassifier(n_estimators=250, random_state=0),
    "EasyEnsemble (5 x 50)": EasyEnsembleClassifier(n_estimators=5, random_state=0),
    "BalanceCascade (5 x 50)": BalanceCascadeClassifier(n_estimators=5, n_boost=50, random_state=0),
}

# %%
# ROC curves and the operating point of ``predict``
# -------------------------------------------------
fig, ax = plt.subplots(figsize=(6, 5.5))
for name, model in models.items():
    model.fit(X_train, y_train)
    scores = model.predict_proba(X_test)[:, 1]
    y_pred = model.predict(X_test)
    tn, fp, fn, tp = confusion_matrix(y_test, y_pred).ravel()
    gmean = geometric_mean_score(y_test, y_pred)
    print(f"{name:25s} ROC AUC {roc_auc_score(y_test, scores):.3f}  G-mean {gmean:.3f}")
    display = RocCurveDisplay.from_predictions(y_test, scores, name=name, ax=ax)
    ax.plot(fp / (fp + tn), tp / (tp + fn), "o", color=display.line_.get_color())
ax.plot([0, 1], [0, 1], "k:", lw=1)
ax.set_title("Held-out ROC curves (dots: predict)")
fig.tight_layout()
plt.show()
