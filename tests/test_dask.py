"""Hyper-parameter searches over skdl estimators run on a Dask cluster.

A ``distributed.LocalCluster`` of two worker *processes* stands in for a
multi-machine cluster: each worker unpickles the estimators and data in its own
interpreter, exactly as a remote machine would. joblib's ``"dask"`` backend
sends ``GridSearchCV``'s fits there; the search must pick the same parameters
with the same score as the local run.
"""

import re

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.model_selection import GridSearchCV, StratifiedKFold

distributed = pytest.importorskip("distributed")

from skdl.cluster import KMeans  # noqa: E402
from skdl.linear_model import LogisticRegression  # noqa: E402
from skdl.tree import DecisionTreeClassifier  # noqa: E402

pytestmark = pytest.mark.dask


@pytest.fixture(scope="module")
def dask_client():
    # Loopback only, no dashboard: nothing listens beyond this machine.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _searches():
    X_iris, y_iris = load_iris(return_X_y=True)
    X_bc, y_bc = load_breast_cancer(return_X_y=True)
    X_bc = (X_bc - X_bc.mean(axis=0)) / X_bc.std(axis=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    return {
        "KMeans": (
            GridSearchCV(
                KMeans(n_init=2, random_state=0, device="cpu"),
                {"n_clusters": [2, 3, 4]},
                scoring="adjusted_rand_score",
                cv=cv,
            ),
            X_iris,
            y_iris,
        ),
        "LogisticRegression": (
            GridSearchCV(LogisticRegression(max_iter=200, device="cpu"), {"C": [0.01, 0.1, 1.0]}, cv=cv),
            X_bc,
            y_bc,
        ),
        "DecisionTreeClassifier": (
            GridSearchCV(
                DecisionTreeClassifier(random_state=0),
                {"max_depth": [1, 2, 4], "criterion": ["gini", "entropy"]},
                cv=cv,
            ),
            X_iris,
            y_iris,
        ),
    }


@pytest.mark.parametrize("name", list(_searches()))
def test_grid_search_on_a_dask_cluster_matches_the_local_run(dask_client, name):
    local, X, y = _searches()[name]
    on_dask = GridSearchCV(**local.get_params(deep=False)).set_params(n_jobs=-1)
    local.fit(X, y)
    with distributed.get_task_stream(client=dask_client) as tasks, joblib.parallel_backend("dask"):
        on_dask.fit(X, y)
    # Every (candidate, fold) fit ran on the cluster's workers: joblib sends the
    # calls in batches whose task key reads "batch_of_<function>_<count>_calls".
    batches = [re.search(r"batch_of_(\w+?)_(\d+)_calls", str(t["key"])) for t in tasks.data]
    n_fits = len(on_dask.cv_results_["params"]) * on_dask.n_splits_
    assert sum(int(b[2]) for b in batches if b and b[1] == "_fit_and_score") == n_fits
    assert {t["worker"] for t in tasks.data} <= set(dask_client.scheduler_info()["workers"])
    assert on_dask.best_params_ == local.best_params_
    assert on_dask.best_score_ == local.best_score_
    assert_array_equal(on_dask.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"])
    assert_array_equal(on_dask.predict(X), local.predict(X))
    assert np.isfinite(on_dask.best_score_)


@pytest.mark.parametrize("name", ["EasyEnsembleClassifier", "BalanceCascadeClassifier"])
def test_ensemble_members_fit_on_the_cluster_give_the_serial_result(dask_client, name):
    # Both ensembles run their members through joblib (EasyEnsemble fits and
    # predicts with them in parallel; BalanceCascade's rounds are sequential, its
    # members predict in parallel): inside the dask backend those calls become
    # cluster tasks, and the outputs equal the n_jobs=1 ones.
    from sklearn.datasets import make_classification

    import skdl.ensemble

    X, y = make_classification(300, 5, weights=[0.8], random_state=0)
    params = {"n_estimators": 4, "random_state": 1}
    if name == "BalanceCascadeClassifier":
        params["n_boost"] = 5
    serial = getattr(skdl.ensemble, name)(**params).fit(X, y)
    with distributed.get_task_stream(client=dask_client) as tasks, joblib.parallel_backend("dask"):
        on_dask = getattr(skdl.ensemble, name)(**params, n_jobs=2).fit(X, y)
        proba, predicted = on_dask.predict_proba(X), on_dask.predict(X)
    assert any("batch_of_" in str(t["key"]) for t in tasks.data)
    assert_array_equal(proba, serial.predict_proba(X))
    assert_array_equal(predicted, serial.predict(X))
