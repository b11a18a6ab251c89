"""
==============================================================
Exporting a pipeline with an SVC to ONNX and timing one row
==============================================================

:func:`skdl.onnx.to_onnx` turns a fitted pipeline that contains skdl
estimators into one ONNX graph, which ONNX Runtime runs without Python,
scikit-learn or torch. This example exports a ``StandardScaler`` followed by
:class:`skdl.svm.SVC`, and an imbalanced-learn pipeline whose
:class:`skdl.over_sampling.SMOTE` step is left out of the graph (a sampler
acts only in ``fit``), checks that ONNX Runtime predicts what skdl predicts,
and compares the time of predicting one row. See :ref:`deploying`.
"""

# %%
# Fit and export
# --------------
import time

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as rt
from imblearn.pipeline import make_pipeline as make_imbalanced_pipeline
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl.linear_model import LogisticRegression
from skdl.onnx import to_onnx
from skdl.over_sampling import SMOTE
from skdl.svm import SVC

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X.astype(np.float32), y, random_state=0)

svc_pipeline = make_pipeline(StandardScaler(), SVC()).fit(X_train, y_train)
smote_pipeline = make_imbalanced_pipeline(StandardScaler(), SMOTE(random_state=0), LogisticRegression()).fit(
    X_train, y_train
)


def session_of(pipeline):
    """An ONNX Runtime session of the pipeline's graph (probabilities as a matrix)."""
    onnx_model = to_onnx(pipeline, X_train[:1], options={id(pipeline[-1]): {"zipmap": False}})
    options = rt.SessionOptions()
    options.intra_op_num_threads = 1
    return rt.InferenceSession(onnx_model.SerializeToString(), options, providers=["CPUExecutionProvider"])


sessions = {"StandardScaler + SVC": session_of(svc_pipeline), "SMOTE + LogisticRegression": session_of(smote_pipeline)}

# %%
# ONNX Runtime predicts what skdl predicts
# ----------------------------------------
for (name, session), pipeline in zip(sessions.items(), [svc_pipeline, smote_pipeline]):
    labels = session.run(None, {"X": X_test})[0]
    agreement = np.mean(labels == pipeline.predict(X_test))
    print(f"{name}: labels agree on {agreement:.1%} of {len(X_test)} held-out rows")

# %%
# One row at a time
# -----------------
# A service often predicts one request at a time; then the fixed cost of a
# call counts, not the arithmetic. The median of 200 single-row calls:


def median_microseconds(predict_one, n_calls=200):
    for _ in range(10):  # warm-up: first calls pay one-off set-up costs
        predict_one(X_test[:1])
    times = []
    for i in range(n_calls):
        row = X_test[i % len(X_test) : i % len(X_test) + 1]
        start = time.perf_counter()
        predict_one(row)
        times.append(time.perf_counter() - start)
    return 1e6 * np.median(times)


svc_session = sessions["StandardScaler + SVC"]
latency = {
    "skdl predict": median_microseconds(svc_pipeline.predict),
    "ONNX Runtime": median_microseconds(lambda row: svc_session.run(None, {"X": row})),
}
for name, microseconds in latency.items():
    print(f"{name}: {microseconds:.0f} us per row")

fig, ax = plt.subplots(figsize=(5, 2.5))
ax.barh(list(latency), list(latency.values()), color=["tab:blue", "tab:orange"])
ax.set_xlabel("median time of one single-row predict (microseconds)")
ax.set_title("StandardScaler + SVC on breast cancer")
fig.tight_layout()
plt.show()
