"""MLPClassifier and CNNClassifier: the training toolbox, scikit-learn
behaviour, reproducibility and bad input."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from skdl.ensemble import AdaBoostClassifier
from skdl.nn import CNNClassifier, MLPClassifier
from skdl.nn._data import gaussian_noise, n_batches, random_flip, random_shift
from skdl.nn._modules import ARCHITECTURES
from skdl.nn._presets import ACTIVATIONS, INITS, OPTIMIZERS, SCHEDULES

FAST = {"max_epochs": 2, "batch_size": 32, "device": "cpu", "random_state": 0}


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _digits(n=300):
    X, y = load_digits(return_X_y=True)
    return X[:n] / 16.0, y[:n]


def _mlp(**params):
    return MLPClassifier((8,), **{**FAST, **params})


def _cnn(**params):
    return CNNClassifier(**{**FAST, "width": 4, "depth": 2, "input_shape": (1, 8, 8), **params})


class Weights(Callback):
    """Copies of the module's state at the start and after every epoch."""

    def initialize(self):
        self.start_, self.epochs_ = None, {}
        return self

    def on_train_begin(self, net, **kwargs):
        self.start_ = {k: v.clone() for k, v in net.module_.state_dict().items()}

    def on_epoch_end(self, net, **kwargs):
        self.epochs_[net.history[-1, "epoch"]] = {k: v.clone() for k, v in net.module_.state_dict().items()}


def _same_state(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


# ---------------------------------------------------------------- the toolbox


TOOLBOX = (
    [("activation", name) for name in sorted(ACTIVATIONS)]
    + [("normalization", name) for name in ["batch", "layer", "group", "weight", "cosine"]]
    + [("weight_init", name) for name in sorted(INITS)]
    + [("optimizer", name) for name in sorted(OPTIMIZERS)]
    + [("lr_schedule", name) for name in sorted(SCHEDULES)]
    + [
        ("dropout", 0.3),
        ("weight_decay", 1e-3),
        ("gradient_clipping", 1.0),
        ("early_stopping", True),
        ("class_weight", "balanced"),
        ("label_smoothing", 0.1),
    ]
)


@pytest.mark.parametrize("param, value", TOOLBOX, ids=[f"{p}={v}" for p, v in TOOLBOX])
def test_every_toolbox_setting_builds_and_trains(param, value):
    X, y = _iris()
    clf = _mlp(**{param: value}).fit(X, y)
    assert len(clf.history_) == 2
    assert np.isfinite(clf.history_[:, "train_loss"]).all()
    assert np.isfinite(clf.predict_proba(X)).all()


def test_sparse_init_trains_as_well_as_the_dense_inits():
    # Martens' unit-variance weights are ~sqrt(fan_in) times larger than the
    # scaled schemes', so the step size is one that suits every scheme.
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    accuracy = {
        name: MLPClassifier((32, 16), weight_init=name, learning_rate=0.01, max_epochs=15, device="cpu", random_state=0)
        .fit(X, y)
        .score(X, y)
        for name in sorted(INITS)
    }
    best_dense = max(value for name, value in accuracy.items() if name != "sparse")
    assert accuracy["sparse"] >= best_dense - 0.01, accuracy


@pytest.mark.parametrize("normalization", ["weight", "cosine"])
def test_weight_and_cosine_normalisation_train_the_mlp_as_well_as_the_others(normalization):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)

    def accuracy(norm):
        return (
            MLPClassifier((32, 16), normalization=norm, learning_rate=0.01, max_epochs=15, device="cpu", random_state=0)
            .fit(X, y)
            .score(X, y)
        )

    best = max(accuracy(norm) for norm in [None, "batch", "layer"])
    assert accuracy(normalization) >= best - 0.01


# The comparison of the neural-networks guide (and its gallery figure): LeNet
# blocks on the 1347 training digits, 30 epochs under a cosine schedule.
DIGITS_NORMALISATIONS = {
    "width": 16,
    "learning_rate": 0.01,
    "lr_schedule": "cosine",
    "batch_size": 64,
    "max_epochs": 30,
}


def test_weight_cosine_and_lrn_normalisation_train_the_cnn_as_well_as_the_others():
    X, y = load_digits(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)
    accuracy = {
        norm: _cnn(normalization=norm, **DIGITS_NORMALISATIONS).fit(X_train, y_train).score(X_train, y_train)
        for norm in [None, "batch", "layer", "group", "weight", "cosine", "lrn"]
    }
    best = max(accuracy[norm] for norm in [None, "batch", "layer", "group"])
    for norm in ["weight", "cosine", "lrn"]:
        assert accuracy[norm] >= best - 0.01, accuracy


def test_cosine_normalised_networks_scale_the_output_layers_input():
    # Cosines of random directions are ~1/sqrt(fan-in): the output layer
    # multiplies them back to the order 1 its initialisation assumes.
    X, y = _digits(100)
    mlp = MLPClassifier((16, 8), normalization="cosine", **FAST).fit(X, y).module_
    assert mlp.output.input_scale == pytest.approx(16**0.5)
    x = torch.rand(3, 64)
    hidden = torch.nn.Sequential(*list(mlp.children())[:-1])(x)
    assert_allclose(mlp(x).detach(), (4 * hidden @ mlp.output.weight.T + mlp.output.bias).detach(), rtol=1e-6)
    cnn = _cnn(normalization="cosine").fit(X, y).module_
    last_conv = [m for m in cnn.modules() if isinstance(m, torch.nn.Conv2d)][-1]
    assert cnn.output.input_scale == pytest.approx(last_conv.weight[0].numel() ** 0.5)
    assert not hasattr(_mlp(normalization="weight").fit(X, y).module_.output, "input_scale")


CNN_SETTINGS = [("architecture", name) for name in sorted(ARCHITECTURES)] + [
    ("se", True),
    ("augmentation", "flip"),
    ("augmentation", "shift"),
    ("augmentation", "noise"),
    ("augmentation", "flip+shift+noise"),
    ("activation", "maxout"),
    ("normalization", None),
    ("normalization", "weight"),
    ("normalization", "cosine"),
    ("normalization", "lrn"),
]


@pytest.mark.parametrize("param, value", CNN_SETTINGS, ids=[f"{p}={v}" for p, v in CNN_SETTINGS])
def test_every_cnn_setting_builds_and_trains(param, value):
    X, y = _digits(200)
    clf = _cnn(**{param: value}, max_epochs=1).fit(X, y)
    assert np.isfinite(clf.history_[-1, "train_loss"])
    assert clf.predict(X).shape == (200,)


def test_weight_decay_spares_biases_and_normalisation_parameters():
    X, y = _iris()
    clf = _mlp(weight_decay=0.01, normalization="batch", activation="prelu", max_epochs=1).fit(X, y)
    groups = clf.optimizer_.param_groups
    decayed = [g for g in groups if g["weight_decay"] > 0]
    assert len(decayed) == 1 and decayed[0]["weight_decay"] == 0.01
    module = clf.module_
    assert {id(p) for p in decayed[0]["params"]} == {id(module.dense0.weight), id(module.output.weight)}
    others = {id(p) for g in groups if g["weight_decay"] == 0 for p in g["params"]}
    assert others == {
        id(p)
        for p in (module.dense0.bias, module.output.bias, module.norm0.weight, module.norm0.bias, module.act0.weight)
    }


@pytest.mark.parametrize("optimizer", ["adamw", "sgd"])
def test_no_weight_decay_means_none_at_all(optimizer):
    X, y = _iris()
    clf = _mlp(optimizer=optimizer, max_epochs=1).fit(X, y)
    assert all(g["weight_decay"] == 0 for g in clf.optimizer_.param_groups)


def test_gradient_clipping_bounds_the_step():
    X, y = _iris()
    steps = {}
    for clip in (None, 0.01):
        weights = Weights()
        clf = _mlp(
            optimizer="sgd",
            learning_rate=1.0,
            gradient_clipping=clip,
            batch_size=1000,
            max_epochs=1,
            callbacks=[("weights", weights)],
        ).fit(X, y)
        after = clf.module_.state_dict()
        steps[clip] = torch.sqrt(sum(((after[k] - weights.start_[k]) ** 2).sum() for k in after)).item()
    # One full-batch SGD step of learning rate 1 moves the weights by the (clipped) gradient.
    assert steps[0.01] == pytest.approx(0.01, rel=1e-4)
    assert steps[None] > 0.1


def _noisy(n=400, seed=0):
    return make_classification(n, 20, n_informative=2, flip_y=0.3, random_state=seed)


def test_early_stopping_restores_the_weights_of_the_best_epoch():
    X, y = _noisy()
    weights = Weights()
    clf = MLPClassifier(
        (128, 128),
        learning_rate=0.01,
        early_stopping=True,
        patience=4,
        max_epochs=200,
        batch_size=32,
        random_state=0,
        device="cpu",
        callbacks=[("weights", weights)],
    ).fit(X, y)
    history = clf.history_
    assert len(history) < 200  # it stopped
    best = [row["epoch"] for row in history if row["valid_loss_best"]][-1]
    assert best < history[-1, "epoch"]
    assert len(history) - best == 4  # patience epochs without improvement
    assert _same_state(clf.module_.state_dict(), weights.epochs_[best])
    valid = history[:, "valid_loss"]
    assert valid[best - 1] == min(valid)


def test_without_early_stopping_every_sample_trains():
    X, y = _iris()
    clf = _mlp(max_epochs=1).fit(X, y)
    assert sum(b.get("train_batch_size", 0) for b in clf.history_[0, "batches"]) == len(X)
    assert "valid_loss" not in clf.history_[0]
    clf = _mlp(max_epochs=1, early_stopping=True, validation_fraction=0.2).fit(X, y)
    assert sum(b.get("train_batch_size", 0) for b in clf.history_[0, "batches"]) == len(X) - 30
    assert sum(b.get("valid_batch_size", 0) for b in clf.history_[0, "batches"]) == 30


def test_a_nan_loss_stops_training_with_a_warning_and_keeps_the_best_weights():
    X, y = _iris()
    weights = Weights()
    clf = _mlp(optimizer="sgd", learning_rate=1e3, max_epochs=30, callbacks=[("weights", weights)])
    with pytest.warns(ConvergenceWarning, match=r"training loss became (nan|inf) at epoch \d+") as record:
        clf.fit(X * 100, y)
    epoch = int(re.search(r"at epoch (\d+)", str(record[0].message)).group(1))
    assert len(clf.history_) == epoch < 30
    assert np.isnan(clf.history_[-1, "train_loss"])
    finite = [row for row in clf.history_[:-1]]
    if finite:
        best = [row["epoch"] for row in finite if row["train_loss_best"]][-1]
        assert _same_state(clf.module_.state_dict(), weights.epochs_[best])
    else:
        assert _same_state(clf.module_.state_dict(), weights.start_)
    assert np.isfinite(clf.predict_proba(X)).all()


def test_class_weight_sample_weight_and_label_smoothing_reach_the_loss():
    X, y = _iris()
    sample_weight = np.linspace(0.5, 2.0, len(y))
    clf = _mlp(class_weight={0: 3.0, 1: 1.0, 2: 0.5}, label_smoothing=0.2)
    clf.set_params(learning_rate=1e-30, batch_size=10_000, max_epochs=1, shuffle=False)
    clf.fit(X, y, sample_weight=sample_weight)
    with torch.no_grad():
        logits = clf.module_.eval()(torch.from_numpy(X.astype(np.float32))).double()
    log_p = torch.log_softmax(logits, dim=1).numpy()
    targets = np.full((len(y), 3), 0.2 / 3) + 0.8 * np.eye(3)[y]
    losses = -(targets * log_p).sum(axis=1)
    w = sample_weight * np.array([3.0, 1.0, 0.5])[y]
    expected = (w / w.mean() * losses).mean()
    assert clf.history_[0, "train_loss"] == pytest.approx(expected, rel=1e-5)
    # and without them it is the plain cross-entropy
    plain = _mlp().set_params(learning_rate=1e-30, batch_size=10_000, max_epochs=1, shuffle=False).fit(X, y)
    assert plain.history_[0, "train_loss"] == pytest.approx(-log_p[np.arange(len(y)), y].mean(), rel=1e-5)


def test_balanced_class_weight_favours_the_minority_class():
    X, y = make_classification(600, 5, weights=[0.9], class_sep=0.5, random_state=0)
    plain = _mlp(max_epochs=20).fit(X, y)
    balanced = _mlp(max_epochs=20, class_weight="balanced").fit(X, y)
    assert (balanced.predict(X) == 1).sum() > (plain.predict(X) == 1).sum()


def test_integer_sample_weights_equal_repeated_rows_with_full_batches():
    X, y = _iris()
    counts = np.random.RandomState(0).randint(1, 4, len(y))
    params = dict(batch_size=10_000, max_epochs=30, learning_rate=0.01, shuffle=False)
    weighted = _mlp(**params).fit(X, y, sample_weight=counts)
    repeated = _mlp(**params).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-4)
    assert_allclose(weighted.history_[:, "train_loss"], repeated.history_[:, "train_loss"], rtol=1e-4)


def test_zero_weight_samples_do_not_count():
    X, y = _iris()
    weights = np.ones(len(y))
    weights[::2] = 0.0
    params = dict(batch_size=10_000, max_epochs=20, shuffle=False)
    weighted = _mlp(**params).fit(X, y, sample_weight=weights)
    subset = _mlp(**params).fit(X[1::2], y[1::2])
    assert_allclose(weighted.predict_proba(X), subset.predict_proba(X), atol=1e-4)


def test_augmentation_only_touches_training_batches():
    X, y = _digits(200)
    seen = {"train": [], "eval": []}

    class Inputs(Callback):
        def on_train_begin(self, net, **kwargs):
            net.module_.register_forward_pre_hook(
                lambda module, args: seen["train" if module.training else "eval"].append(args[0].clone())
            )

    clf = _cnn(
        augmentation="flip+shift+noise", early_stopping=True, max_epochs=1, callbacks=[("inputs", Inputs())]
    ).fit(X, y)
    images = torch.from_numpy(X.reshape(-1, 1, 8, 8).astype(np.float32))

    def in_X(batch):
        return all(any(torch.equal(row, image) for image in images) for row in batch)

    assert seen["train"] and not any(in_X(batch) for batch in seen["train"])
    assert seen["eval"] and all(in_X(batch) for batch in seen["eval"])  # the validation batches
    first, second = clf.predict_proba(X), clf.predict_proba(X)
    assert_array_equal(first, second)
    with torch.no_grad():
        manual = torch.softmax(clf.module_.eval()(images), dim=1).double().numpy()
    assert_allclose(first, manual, rtol=1e-6)


def test_augmentation_functions():
    generator = torch.Generator().manual_seed(0)
    images = torch.arange(2 * 1 * 4 * 4, dtype=torch.float32).reshape(2, 1, 4, 4) + 1
    flipped = random_flip(images.repeat(20, 1, 1, 1), generator)
    for original, out in zip(images.repeat(20, 1, 1, 1), flipped):
        assert torch.equal(out, original) or torch.equal(out, original.flip(-1))
    shifted = random_shift(images.repeat(50, 1, 1, 1), generator)
    for original, out in zip(images.repeat(50, 1, 1, 1), shifted):
        found = False
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                expected = torch.zeros_like(original)
                src = original[:, max(0, dy) : 4 + min(0, dy), max(0, dx) : 4 + min(0, dx)]
                expected[:, max(0, -dy) : 4 + min(0, -dy), max(0, -dx) : 4 + min(0, -dx)] = src
                found = found or torch.equal(out, expected)
        assert found
    noisy = gaussian_noise(torch.zeros(1000, 1, 4, 4) + torch.randn(1000, 1, 4, 4, generator=generator), generator)
    assert noisy.shape == (1000, 1, 4, 4)


def test_unknown_augmentation_is_a_value_error_listing_the_valid_ones():
    X, y = _digits(60)
    with pytest.raises(ValueError, match="Unknown augmentation 'blur'.*'flip', 'shift', 'noise'"):
        _cnn(augmentation="flip+blur").fit(X, y)


def test_batches_merge_a_last_single_sample():
    assert [n_batches(n, 32) for n in (0, 1, 32, 33, 34, 65)] == [0, 1, 1, 1, 2, 2]
    X, y = _iris()
    clf = _mlp(normalization="batch", batch_size=149, max_epochs=1).fit(np.vstack([X, X[:1]])[:150], y)
    assert [b["train_batch_size"] for b in clf.history_[0, "batches"]] == [150]


# ------------------------------------------------------- scikit-learn behaviour


def test_two_fits_with_the_same_random_state_are_identical():
    X, y = _digits(200)
    params = dict(dropout=0.3, augmentation="shift+noise", early_stopping=True, activation="rrelu", max_epochs=3)
    state = torch.get_rng_state()
    first, second = _cnn(**params).fit(X, y), _cnn(**params).fit(X, y)
    assert torch.equal(torch.get_rng_state(), state)  # torch's global stream untouched
    assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    other = _cnn(**params, random_state=1).fit(X, y)
    assert not np.array_equal(first.predict_proba(X), other.predict_proba(X))
    Xi, yi = _iris()
    a = _mlp(dropout=0.5, max_epochs=5).fit(Xi, yi).predict_proba(Xi)
    b = _mlp(dropout=0.5, max_epochs=5).fit(Xi, yi).predict_proba(Xi)
    assert_array_equal(a, b)


def test_string_and_noncontiguous_labels():
    X, y = _iris()
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = _mlp(max_epochs=10).fit(X, names)
    assert_array_equal(clf.classes_, ["setosa", "versicolor", "virginica"])
    assert set(clf.predict(X)) <= set(names)
    codes = np.array([-5, 10, 42])[y]
    clf = _mlp(max_epochs=10).fit(X, codes)
    assert_array_equal(clf.classes_, [-5, 10, 42])
    assert clf.predict_proba(X).shape == (150, 3)
    assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    assert_array_equal(clf.predict(X), clf.classes_[clf.predict_proba(X).argmax(1)])


def test_pandas_input_and_float32_float64_agree():
    X, y = _iris()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = _mlp().fit(frame, pd.Series(y))
    assert_array_equal(clf.feature_names_in_, ["a", "b", "c", "d"])
    from_frame = clf.predict_proba(frame)
    from_64 = _mlp().fit(X, y).predict_proba(X)
    from_32 = _mlp().fit(X.astype(np.float32), y).predict_proba(X.astype(np.float32))
    assert_array_equal(from_frame, from_64)
    assert_array_equal(from_64, from_32)


def test_cnn_takes_images_or_flat_rows():
    X, y = _digits(200)
    images = X.reshape(-1, 1, 8, 8)
    flat = _cnn().fit(X, y)
    shaped = _cnn(input_shape=None).fit(images, y)
    assert shaped.input_shape_ == flat.input_shape_ == (1, 8, 8)
    assert shaped.n_features_in_ == 64
    assert_array_equal(flat.predict_proba(X), shaped.predict_proba(images))
    assert_array_equal(shaped.predict_proba(X), shaped.predict_proba(images))
    default = _cnn(input_shape=None).fit(X, y)
    assert default.input_shape_ == (64, 1, 1)


def test_in_a_pipeline_and_a_grid_search_over_the_toolbox():
    X, y = _iris()
    search = GridSearchCV(
        make_pipeline(StandardScaler(), _mlp(max_epochs=20, learning_rate=0.01)),
        {"mlpclassifier__activation": ["relu", "tanh"], "mlpclassifier__normalization": [None, "batch"]},
        cv=2,
    ).fit(X, y)
    assert search.best_score_ > 0.6
    assert len(search.cv_results_["params"]) == 4
    unfitted = clone(search.best_estimator_[-1])
    assert not hasattr(unfitted, "module_") and not hasattr(unfitted, "classes_")
    assert unfitted.get_params(deep=False) == search.best_estimator_[-1].get_params(deep=False)


def test_a_grid_search_over_the_new_options():
    X, y = _digits(200)
    mlp = GridSearchCV(
        _mlp(), {"weight_init": ["he_uniform", "sparse"], "normalization": ["weight", "cosine"]}, cv=2
    ).fit(X, y)
    assert len(mlp.cv_results_["params"]) == 4 and np.isfinite(mlp.cv_results_["mean_test_score"]).all()
    cnn = GridSearchCV(
        _cnn(max_epochs=1), {"architecture": ["lenet", "alexnet"], "normalization": ["lrn", "weight", "cosine"]}, cv=2
    ).fit(X, y)
    assert len(cnn.cv_results_["params"]) == 6 and np.isfinite(cnn.cv_results_["mean_test_score"]).all()


def test_as_the_base_learner_of_adaboost():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    boost = AdaBoostClassifier(estimator=_mlp(max_epochs=5, learning_rate=0.003), n_estimators=3, random_state=0).fit(
        X, y
    )
    assert len(boost.estimators_) >= 2
    first, second = boost.estimators_[:2]
    # the second member saw other weights, so it is another network
    assert not np.array_equal(first.predict_proba(X), second.predict_proba(X))
    assert boost.score(X, y) > 0.9


def test_warm_start_and_partial_fit_continue_training():
    X, y = _iris()
    clf = _mlp(max_epochs=3, warm_start=True).fit(X, y)
    weights = {k: v.clone() for k, v in clf.module_.state_dict().items()}
    clf.fit(X, y)
    assert len(clf.history_) == 6
    assert not _same_state(weights, clf.module_.state_dict())
    cold = _mlp(max_epochs=3).fit(X, y)
    cold.fit(X, y)
    assert len(cold.history_) == 3

    inc = _mlp()
    inc.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert_array_equal(inc.classes_, [0, 1, 2]) and len(inc.history_) == 1
    inc.partial_fit(X, y)
    assert len(inc.history_) == 2
    with pytest.raises(ValueError, match=r"labels \[7\] that are not among"):
        inc.partial_fit(X[:3], [0, 1, 7])
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is expecting 4"):
        inc.partial_fit(X[:, :3], y)
    assert len(inc.history_) == 2


def test_history_keys():
    X, y = _iris()
    plain = _mlp().fit(X, y)
    epoch_keys = {"epoch", "dur", "lr", "train_loss", "train_loss_best", "train_batch_count", "batches"}
    assert set(plain.history_[-1]) == epoch_keys
    early = _mlp(early_stopping=True).fit(X, y)
    assert set(early.history_[-1]) == epoch_keys | {
        "valid_loss",
        "valid_loss_best",
        "valid_acc",
        "valid_acc_best",
        "valid_batch_count",
    }
    assert 0 <= early.history_[-1, "valid_acc"] <= 1


def test_lr_schedule_sets_the_learning_rate_of_each_step():
    X, y = _iris()
    lrs = []

    class Rates(Callback):
        def on_batch_begin(self, net, training=False, **kwargs):
            if training:
                lrs.append(net.optimizer_.param_groups[0]["lr"])

    # 150 samples in batches of 50: 3 steps per epoch, 4 epochs.
    _mlp(lr_schedule="cosine", learning_rate=0.1, batch_size=50, max_epochs=4, callbacks=[("rates", Rates())]).fit(X, y)
    assert_allclose(lrs, [0.05 * (1 + np.cos(np.pi * t / 12)) for t in range(12)])


def test_verbose_prints_skorchs_table(capsys):
    X, y = _iris()
    _mlp().fit(X, y)
    assert capsys.readouterr().out == ""
    _mlp(verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "epoch" in out and "train_loss" in out


def test_own_module_and_skorch_arguments():
    X, y = _iris()

    class Net(torch.nn.Module):
        def __init__(self, hidden=5):
            super().__init__()
            self.hidden = torch.nn.Linear(4, hidden)
            self.out = torch.nn.Linear(hidden, 3)

        def forward(self, x):
            return self.out(torch.relu(self.hidden(x)))

    clf = MLPClassifier(
        module=Net,
        module__hidden=7,
        optimizer="sgd",
        optimizer__momentum=0.5,
        iterator_train__shuffle=False,
        max_epochs=3,
        device="cpu",
        random_state=0,
    )
    clf.fit(X, y)
    assert clf.module_.hidden.out_features == 7
    assert clf.optimizer_.param_groups[0]["momentum"] == 0.5
    assert clf.get_params()["module__hidden"] == 7
    again = clone(clf)
    assert again.get_params()["optimizer__momentum"] == 0.5
    assert_array_equal(again.fit(X, y).predict_proba(X), clf.predict_proba(X))
    clf.set_params(lr=0.5)  # skorch's virtual parameter: the optimizer and learning_rate follow
    assert clf.learning_rate == 0.5 and clf.optimizer_.param_groups[0]["lr"] == 0.5


def test_device_auto_resolves_and_is_kept():
    X, y = _iris()
    clf = _mlp(device="auto").fit(X, y)
    assert clf.device == "auto"
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert next(clf.module_.parameters()).device.type == expected


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message without CUDA")
def test_cuda_without_a_gpu_is_a_value_error_at_fit():
    X, y = _iris()
    with pytest.raises(ValueError, match="CUDA is not available"):
        _mlp(device="cuda").fit(X, y)


@pytest.mark.gpu
def test_the_cuda_route_trains_and_predicts_like_the_cpu_one():
    X, y = _digits(300)
    gpu = _cnn(device="cuda", max_epochs=5).fit(X, y)
    cpu = _cnn(device="cpu", max_epochs=5).fit(X, y)
    assert next(gpu.module_.parameters()).is_cuda
    assert np.mean(gpu.predict(X) == cpu.predict(X)) > 0.9
    assert_array_equal(_cnn(device="cuda", max_epochs=2).fit(X, y).predict_proba(X).shape, (300, 10))


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "param, value, valid",
    [
        ("activation", "swish", "relu"),
        ("optimizer", "lbfgs", "adam"),
        ("lr_schedule", "cyclic", "warmup_cosine"),
        ("weight_init", "uniform", "orthogonal"),
        ("normalization", "instance", "group"),
    ],
)
def test_unknown_names_are_value_errors_listing_the_valid_ones(param, value, valid):
    X, y = _iris()
    with pytest.raises(ValueError, match=f"'{param}' parameter.*{valid}.*Got '{value}'"):
        _mlp(**{param: value}).fit(X, y)


def test_unknown_architecture_lists_the_valid_ones():
    X, y = _digits(60)
    with pytest.raises(ValueError, match="'architecture' parameter.*alexnet.*Got 'googlenet'"):
        _cnn(architecture="googlenet").fit(X, y)


def test_alexnet_on_too_small_images_and_lrn_on_the_mlp_are_value_errors():
    X, y = _digits(60)
    fitted = _cnn(architecture="alexnet").fit(X, y)
    expected = fitted.predict_proba(X)
    small = X.reshape(-1, 1, 8, 8)[:, :, ::2, ::2]
    with pytest.raises(ValueError, match=r"architecture='alexnet' needs images of at least 8x8.*got 4x4.*'lenet'"):
        fitted.set_params(input_shape=None).fit(small, y)
    assert_array_equal(fitted.predict_proba(X), expected)
    with pytest.raises(ValueError, match="'normalization' parameter of MLPClassifier.*Got 'lrn'"):
        _mlp(normalization="lrn").fit(X, y)


def test_alexnet_trains_on_digits_as_well_as_lenet():
    X, y = _digits(600)
    lenet = _cnn(width=8, learning_rate=0.01, max_epochs=10).fit(X, y).score(X, y)
    alexnet = _cnn(architecture="alexnet", width=8, learning_rate=0.001, max_epochs=10).fit(X, y).score(X, y)
    assert alexnet >= lenet - 0.01, (alexnet, lenet)


def test_cnn_image_size_mismatches_are_value_errors():
    X, y = _digits(100)
    with pytest.raises(
        ValueError,
        match=r"X has 63 features per row, which can not be reshaped to "
        r"input_shape=\(1, 8, 8\) \(64 values per image\)",
    ):
        _cnn().fit(X[:, :63], y)
    with pytest.raises(ValueError, match=r"images of shape \(1, 8, 8\), but CNNClassifier expects \(1, 4, 16\)"):
        _cnn(input_shape=(1, 4, 16)).fit(X.reshape(-1, 1, 8, 8), y)
    fitted = _cnn().fit(X, y)
    expected = fitted.predict_proba(X)
    with pytest.raises(ValueError, match=r"images of shape \(2, 4, 8\), but CNNClassifier expects \(1, 8, 8\)"):
        fitted.predict(X.reshape(-1, 2, 4, 8))
    with pytest.raises(ValueError, match="X has 32 features, but CNNClassifier is expecting 64"):
        fitted.predict(X[:, :32])
    with pytest.raises(ValueError, match="dim 3"):
        fitted.predict(X.reshape(-1, 8, 8))
    with pytest.raises(ValueError, match="input_shape must be 3 positive integers"):
        _cnn(input_shape=(8, 8)).fit(X, y)
    assert_array_equal(fitted.predict_proba(X), expected)


@pytest.mark.parametrize("Estimator", [_mlp, _cnn])
def test_bad_values_are_value_errors_and_leave_the_fit_untouched(Estimator):
    X, y = _digits(100)
    fitted = Estimator().fit(X, y)
    expected = fitted.predict_proba(X)
    for bad_X, bad_y, message in [
        (np.where(np.arange(X.size).reshape(X.shape) == 5, np.nan, X), y, "NaN"),
        (np.where(np.arange(X.size).reshape(X.shape) == 5, np.inf, X), y, "infinity"),
        (X * 1e300, y, "too large for dtype\\('float32'\\)"),
        (X, np.zeros_like(y), "only one class"),
        (X, y.astype(float) + 0.5, "Unknown label type"),
    ]:
        with pytest.raises(ValueError, match=message):
            fitted.fit(bad_X, bad_y)
        assert_array_equal(fitted.predict_proba(X), expected)
    with pytest.raises(ValueError, match="Only one class has a positive sample weight"):
        Estimator().fit(X, y, sample_weight=(y == 3).astype(float))


def test_skorch_arguments_replaced_by_parameters_are_type_errors():
    with pytest.raises(TypeError, match="'lr' \\(use learning_rate\\)"):
        MLPClassifier(lr=0.1)
    with pytest.raises(TypeError, match="'train_split' \\(use early_stopping"):
        CNNClassifier(train_split=None)
    X, y = _iris()
    with pytest.raises(ValueError, match="module__\\* arguments"):
        _mlp(module__hidden=3).fit(X, y)


def test_predict_before_fit_is_not_fitted_error():
    with pytest.raises(NotFittedError):
        _mlp().predict(np.zeros((2, 4)))


def test_repr_is_scikit_learns():
    assert repr(_mlp(max_epochs=3)) == (
        "MLPClassifier(batch_size=32, device='cpu', hidden_layer_sizes=(8,),\n"
        "              max_epochs=3, random_state=0)"
    )


def test_the_same_warning_free_fit_on_a_quiet_problem():
    X, y = _iris()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _mlp().fit(X, y).predict(X)


def test_partial_fit_makes_no_validation_split():
    X, y = _iris()
    clf = _mlp(early_stopping=True)
    clf.partial_fit(X, y)
    assert sum(b.get("train_batch_size", 0) for b in clf.history_[0, "batches"]) == len(X)
    assert "valid_loss" not in clf.history_[0]


# ------------------------------------------------------------ review fixes


class _Rates(Callback):
    """The learning rate of every training step."""

    def __init__(self):
        self.lrs = []

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            self.lrs.append(net.optimizer_.param_groups[0]["lr"])


def test_warm_start_fit_starts_the_lr_schedule_again():
    X, y = _iris()
    rates = _Rates()
    clf = _mlp(
        lr_schedule="cosine",
        learning_rate=0.1,
        batch_size=50,
        max_epochs=4,
        warm_start=True,
        callbacks=[("rates", rates)],
    )
    clf.fit(X, y)
    first = list(rates.lrs)
    rates.lrs.clear()
    clf.fit(X, y)
    assert len(clf.history_) == 8
    expected = [0.05 * (1 + np.cos(np.pi * t / 12)) for t in range(12)]
    assert_allclose(first, expected)
    assert_allclose(rates.lrs, expected)  # from the top again, not held at the last value
    assert_allclose(clf.history_[4:, "lr"], clf.history_[:4, "lr"])


def test_lr_schedule_counts_the_batches_of_the_training_iterator():
    X, y = _iris()
    rates = _Rates()
    # batch_size=32 would make 5 batches; the training iterator makes 3 of 50.
    _mlp(
        lr_schedule="cosine",
        learning_rate=0.1,
        batch_size=32,
        iterator_train__batch_size=50,
        max_epochs=4,
        callbacks=[("rates", rates)],
    ).fit(X, y)
    assert_allclose(rates.lrs, [0.05 * (1 + np.cos(np.pi * t / 12)) for t in range(12)])


class _FailAt(Callback):
    """Raises a RuntimeError at the start of training epoch ``epoch`` of a run, once armed."""

    def __init__(self, epoch=2, armed=False):
        self.epoch = epoch
        self.armed = armed

    def on_train_begin(self, net, **kwargs):
        self.seen_ = 0

    def on_epoch_begin(self, net, **kwargs):
        self.seen_ += 1
        if self.armed and self.seen_ == self.epoch:
            raise RuntimeError("boom")


def _history_rows(history):
    return [{k: v for k, v in row.items() if k != "batches"} | {"batches": list(row["batches"])} for row in history]


@pytest.mark.parametrize("how", ["fit", "warm_start", "partial_fit"])
def test_a_fit_that_fails_during_training_leaves_the_fitted_state_untouched(how):
    X, y = _iris()
    fail = _FailAt(epoch=1 if how == "partial_fit" else 2)
    clf = _mlp(max_epochs=3, warm_start=how == "warm_start", dropout=0.2, callbacks=[("fail", fail)])
    twin = clone(clf)
    for net in (clf, twin):
        if how == "partial_fit":
            net.partial_fit(X, y)
            net.partial_fit(X, y)
        else:
            net.fit(X, y)
    proba, history = clf.predict_proba(X), _history_rows(clf.history_)
    fail.armed = True
    with pytest.raises(RuntimeError, match="boom"):
        clf.partial_fit(X, y) if how == "partial_fit" else clf.fit(X, y)
    assert_array_equal(clf.predict_proba(X), proba)
    assert _history_rows(clf.history_) == history
    if how != "fit":  # training continues exactly as if the failed call had not happened
        fail.armed = False
        twin_fail = twin.callbacks_[[name for name, _ in twin.callbacks_].index("fail")][1]
        twin_fail.armed = False
        for net in (clf, twin):
            net.partial_fit(X, y) if how == "partial_fit" else net.fit(X, y)
        assert_array_equal(clf.predict_proba(X), twin.predict_proba(X))
        assert _same_state(clf.optimizer_.state_dict()["state"][0], twin.optimizer_.state_dict()["state"][0])


def test_building_the_users_module_class_leaves_torchs_global_stream_alone():
    X, y = _iris()

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(4, 3)  # torch's default init draws from the global stream

        def forward(self, x):
            return self.layer(x)

    state = torch.get_rng_state()
    first = MLPClassifier(module=Net, max_epochs=2, device="cpu", random_state=0).fit(X, y)
    assert torch.equal(torch.get_rng_state(), state)
    second = MLPClassifier(module=Net, max_epochs=2, device="cpu", random_state=0).fit(X, y)
    assert_array_equal(first.predict_proba(X), second.predict_proba(X))


@pytest.mark.parametrize("n_jobs, expected", [(None, 1), (2, 2), (-1, None)])
def test_n_jobs_sets_torchs_threads_while_training_and_restores_them(n_jobs, expected):
    from joblib import cpu_count

    X, y = _iris()
    seen = []

    class Threads(Callback):
        def on_train_begin(self, net, **kwargs):
            seen.append(torch.get_num_threads())

    before = torch.get_num_threads()
    _mlp(n_jobs=n_jobs, callbacks=[("threads", Threads())]).fit(X, y)
    assert seen == [cpu_count() if expected is None else expected]
    assert torch.get_num_threads() == before


def test_augmentation_is_parsed_once_per_fit(monkeypatch):
    import skdl.nn._classifiers as classifiers

    calls = []
    parse = classifiers.parse_augmentation
    monkeypatch.setattr(classifiers, "parse_augmentation", lambda spec: calls.append(spec) or parse(spec))
    X, y = _digits(100)
    clf = _cnn(augmentation="flip+noise", batch_size=20).fit(X, y)
    assert calls == ["flip+noise"]  # not once per batch
    assert "_augmentations" not in vars(clf)


def test_predictions_on_a_subset_equal_those_on_the_whole_batch_at_float32_precision():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    net = MLPClassifier(hidden_layer_sizes=(16,), max_epochs=3, batch_size=32, device="cpu", random_state=0).fit(X, y)
    full = net.predict_proba(X[:64])
    rows = np.vstack([net.predict_proba(X[i : i + 1]) for i in range(64)])
    halves = np.vstack([net.predict_proba(X[:32]), net.predict_proba(X[32:64])])
    # float32 forward pass: equal to its rounding, not to float64's
    np.testing.assert_allclose(rows, full, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(halves, full, rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(net.predict(X[:64]), full.argmax(axis=1))
