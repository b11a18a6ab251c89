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
compares the time of predicting one row, and exports a small
:class:`skdl.nn.CNNClassifier` with :func:`skdl.onnx.export_net`. See
:ref:`deploying`.
"""

# %%
# Fit and export
# --------------
import time

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as rt
from imblearn.pipeline import make_pipeline as make_imbalanced_pipeline
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl.linear_model import LogisticRegression
from skdl.nn import CNNClassifier
from skdl.onnx import export_net, to_onnx
from skdl.over_sampling import SMOTE
from skdl.svm import SVC

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X.astype(np.float32), y, random_state=0)

svc_pipeline = make_pipeline(StandardScaler(), SVC()).fit(X_train, y_train)
smote_pipeline = make_imbalanced_pipeline(StandardScaler(), SMOTE(random_state=0), LogisticRegression()).fit(
    X_train, y_train
)


def runtime_of(pipeline):
    """ONNX Runtime's runner of the pipeline's graph (probabilities as a matrix)."""
    onnx_model = to_onnx(pipeline, X_train[:1], options={id(pipeline[-1]): {"zipmap": False}})
    options = rt.SessionOptions()
    options.intra_op_num_threads = 1
    return rt.InferenceSession(onnx_model.SerializeToString(), options, providers=["CPUExecutionProvider"])


runtimes = {"StandardScaler + SVC": runtime_of(svc_pipeline), "SMOTE + LogisticRegression": runtime_of(smote_pipeline)}

# %%
# ONNX Runtime predicts what skdl predicts
# ----------------------------------------
for (name, runtime), pipeline in zip(runtimes.items(), [svc_pipeline, smote_pipeline]):
    labels = runtime.run(None, {"X": X_test})[0]
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


svc_runtime = runtimes["StandardScaler + SVC"]
latency = {
    "skdl predict": median_microseconds(svc_pipeline.predict),
    "ONNX Runtime": median_microseconds(lambda row: svc_runtime.run(None, {"X": row})),
}
for name, microseconds in latency.items():
    print(f"{name}: {microseconds:.0f} us per row")

# %%
# A CNN
# -----
# :func:`~skdl.onnx.export_net` exports the fitted torch module with the
# reshaping of the rows to images, the softmax and the class labels in the
# graph, so ONNX Runtime takes the same flat rows as ``predict``.
digits_X, digits_y = load_digits(return_X_y=True)
digits_X = (digits_X / 16.0).astype(np.float32)
cnn = CNNClassifier(input_shape=(1, 8, 8), max_epochs=3, verbose=0, random_state=0)
cnn.fit(digits_X[:1000], digits_y[:1000])
cnn_runtime = rt.InferenceSession(export_net(cnn).SerializeToString(), providers=["CPUExecutionProvider"])
cnn_labels, cnn_proba = cnn_runtime.run(None, {"X": digits_X[1000:]})
print(
    f"CNN: labels agree on {np.mean(cnn_labels == cnn.predict(digits_X[1000:])):.1%} of rows, "
    f"largest probability difference {np.abs(cnn_proba - cnn.predict_proba(digits_X[1000:])).max():.1e}"
)

# %%
# The single-row timings
# ----------------------
fig, ax = plt.subplots(figsize=(5, 2.5))
ax.barh(list(latency), list(latency.values()), color=["tab:blue", "tab:orange"])
ax.set_xlabel("median time of one single-row predict (microseconds)")
ax.set_title("StandardScaler + SVC on breast cancer")
fig.tight_layout()
plt.show()
