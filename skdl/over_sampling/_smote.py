"""SMOTE and Borderline-SMOTE as imbalanced-learn over-samplers, searched on torch.

The public classes hold the parameters, validation and the sampling flow; the
nearest-neighbour search and the interpolation are the torch kernels of
:mod:`skdl.over_sampling._kneighbors`.

Random draws follow imbalanced-learn's scheme (for each class, a generator from
``check_random_state(random_state)``, then ``randint`` over the
``n_class * k`` (sample, neighbour) pairs and ``uniform`` gaps), and they are
drawn with NumPy on the host, so the same ``random_state`` gives the same
samples on the CPU and on a GPU, and the same samples as
:class:`imblearn.over_sampling.SMOTE` up to floating-point rounding and ties
between neighbour distances.
"""

import numbers
import warnings

import numpy as np
import torch
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from scipy import sparse
from sklearn.base import clone
from sklearn.utils import check_random_state

from .._device import DEVICE_CONSTRAINT, resolve_device, to_numpy, to_tensor
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions, validate_data
from ..utils._validation import unchanged_on_error
from ._kneighbors import interpolate, kneighbors

_NEIGHBOURS_CONSTRAINT = [
    Interval(numbers.Integral, 1, None, closed="left"),
    HasMethods(["kneighbors", "kneighbors_graph"]),
]


def _draw_pairs(random_state, n_rows, n_neighbors, n_new):
    """Draw (row, neighbour column, gap) triples as imbalanced-learn does."""
    rng = check_random_state(random_state)
    flat = rng.randint(low=0, high=n_rows * n_neighbors, size=n_new)
    steps = rng.uniform(size=n_new)
    return flat // n_neighbors, flat % n_neighbors, steps


def _label_repr(label):
    """``repr`` of a class label without NumPy's scalar wrapper."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def _check_enough_samples(n_available, n_neighbors, parameter, label):
    """ValueError when a neighbourhood asks for more samples than there are."""
    if n_available <= n_neighbors:
        raise ValueError(
            f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {n_neighbors + 1}, "
            f"n_samples_fit = {n_available}: {parameter}={n_neighbors} needs at least "
            f"{n_neighbors + 1} samples to search in for class {_label_repr(label)}, which has "
            f"{n_available}."
        )


class _BaseSMOTE(BaseOverSampler):
    """Shared parameters, validation and neighbour search of the SMOTE samplers."""

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": list(_NEIGHBOURS_CONSTRAINT),
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5, device=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.device = device

    def _check_X_y(self, X, y, accept_sparse=None):
        # Interpolation needs numbers: float64 or float32, finite.
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        try:
            X, y = validate_data(
                self, X=X, y=y, reset=True, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32]
            )
        except ValueError as error:
            if "could not convert string" not in str(error):
                raise
            raise ValueError(
                f"{type(self).__name__} interpolates numbers, and X holds strings ({error}). "
                "For categorical features use SMOTENC(categorical_features=...) "
                "(numerical and categorical features) or SMOTEN (categorical features only)."
            ) from None
        return X, y, binarize_y

    def fit_resample(self, X, y):
        """Resample the dataset: the original samples first, then the synthetic ones.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Samples to over-sample; finite.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix} of shape (n_samples_new, n_features)
            ``X`` unchanged in its first ``n_samples`` rows, then the new samples.
        y_resampled : {ndarray, series} of shape (n_samples_new,)
            The labels of ``X_resampled``.
        """
        with unchanged_on_error(self):
            return super().fit_resample(X, y)

    @staticmethod
    def _neighbours(spec, parameter, label, query, query_t, reference, reference_t, query_index):
        """Nearest ``reference`` rows of each ``query`` row, the row itself excluded.

        ``spec`` is an int (skdl's exact search) or a NearestNeighbors-like object
        (fitted on ``reference``; its first column, the row itself, dropped as
        imbalanced-learn does).

        Returns
        -------
        indices : torch.Tensor of shape (n_queries, k), on the query's device
        """
        if isinstance(spec, numbers.Integral):
            _check_enough_samples(reference.shape[0], spec, parameter, label)
            index_t = torch.as_tensor(query_index, device=query_t.device)
            return kneighbors(query_t, reference_t, int(spec), query_index=index_t)
        estimator = clone(spec).fit(reference)
        indices = estimator.kneighbors(query, return_distance=False)[:, 1:]
        return torch.as_tensor(np.ascontiguousarray(indices, dtype=np.int64), device=query_t.device)

    def _synthesize(self, base_t, reference_t, nn_index, n_new, dtype, scale_other=None):
        """Draw ``n_new`` pairs and interpolate; ``scale_other`` shortens some gaps.

        ``scale_other(neighbour_index)`` returns a factor of each pair's
        difference (borderline-2's shorter gaps towards other classes).
        """
        rows, columns, steps = _draw_pairs(self.random_state, base_t.shape[0], nn_index.shape[1], n_new)
        device = base_t.device
        rows_t = torch.as_tensor(rows, device=device)
        columns_t = torch.as_tensor(columns, device=device)
        scale_t = None
        if scale_other is not None:
            scale_t = to_tensor(scale_other(to_numpy(nn_index[rows_t, columns_t])), device, dtype=dtype)
        steps_t = to_tensor(steps, device, dtype=dtype)
        return to_numpy(interpolate(base_t, reference_t, rows_t, columns_t, steps_t, nn_index, scale_t))

    @staticmethod
    def _stack(X, new_X, y, new_y):
        """The originals, unchanged and first, then the synthetic samples."""
        if sparse.issparse(X):
            X_res = sparse.vstack([X, *(sparse.csr_matrix(block) for block in new_X)], format=X.format)
        else:
            X_res = np.concatenate([X, *new_X])
        return X_res.astype(X.dtype, copy=False), np.concatenate([y, *new_y])


class SMOTE(_BaseSMOTE):
    """Synthetic Minority Over-sampling Technique, with a torch neighbour search.

    For each class to over-sample, every sample's ``k_neighbors`` nearest
    same-class neighbours (Euclidean) are found; each synthetic sample picks a
    (sample, neighbour) pair at random and lies at a uniform random point of
    the segment between them: ``x_new = x + u * (x_nn - x)``, ``u ~ U(0, 1)``.
    The neighbour search runs on torch in row chunks bounded by scikit-learn's
    ``working_memory``, on the CPU or a GPU.

    Read more in the :ref:`User Guide <imbalanced>`.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        How many samples each class should have after resampling, in any form
        of imbalanced-learn's over-samplers: a float (binary only: the
        minority / majority ratio wanted), ``"minority"``, ``"not minority"``,
        ``"not majority"``, ``"all"``, ``"auto"`` (same as ``"not majority"``),
        a dict ``{class: n_samples wanted}`` or a callable ``y -> dict``.
    random_state : int, RandomState instance or None, default=None
        Controls the random (sample, neighbour) pairs and the gaps. Pass an int
        for reproducible output. The draws are imbalanced-learn's, so an int
        gives the samples :class:`imblearn.over_sampling.SMOTE` gives (up to
        rounding and distance ties).
    k_neighbors : int or estimator, default=5
        Number of nearest same-class neighbours to interpolate towards. An
        object with ``kneighbors`` and ``kneighbors_graph`` (such as
        :class:`sklearn.neighbors.NearestNeighbors`) is used instead of the
        torch search: it is cloned, fitted on the class's samples and queried
        with them, and its first neighbour (the sample itself) is dropped.
    device : str, torch.device or None, default=None
        Where the neighbour search and the interpolation run: ``"auto"``,
        ``"cpu"``, ``"cuda"``, ``"cuda:<index>"`` or a :class:`torch.device`.
        ``None`` uses :func:`skdl.get_config`'s device. Outputs are NumPy
        arrays whatever the device.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: number of samples to generate}``.
    n_features_in_ : int
        Number of features seen during :meth:`fit_resample`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_resample`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    BorderlineSMOTE : SMOTE from the minority samples near the class border.
    RandomOverSampler : Over-sample by drawing existing samples again.
    imblearn.over_sampling.SMOTE : The imbalanced-learn implementation.

    Notes
    -----
    float32 input is computed and returned in float32, anything else in
    float64. A sparse ``X`` gives a sparse result; each class to over-sample
    is densified for the neighbour search. The original
    samples come first, unchanged, followed by the synthetic ones class by
    class. Multi-class data is over-sampled one class at a time.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall and W. P. Kegelmeyer,
       "SMOTE: Synthetic Minority Over-sampling Technique", Journal of
       Artificial Intelligence Research 16, 321-357, 2002.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skdl.over_sampling import SMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0, random_state=0)
    >>> np.bincount(y).tolist()
    [901, 99]
    >>> X_res, y_res = SMOTE(random_state=0, device="cpu").fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [901, 901]
    >>> bool((X_res[:1000] == X).all())
    True
    """

    def _fit_resample(self, X, y):
        device = resolve_device(self.device)
        new_X, new_y = [], []
        for label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            class_index = np.flatnonzero(y == label)
            X_class = X[class_index]
            X_class = X_class.toarray() if sparse.issparse(X_class) else X_class
            X_class_t = to_tensor(X_class, device)
            nn_index = self._neighbours(
                self.k_neighbors,
                "k_neighbors",
                label,
                X_class,
                X_class_t,
                X_class,
                X_class_t,
                np.arange(class_index.size),
            )
            new_X.append(self._synthesize(X_class_t, X_class_t, nn_index, n_new, X.dtype))
            new_y.append(np.full(n_new, label, dtype=y.dtype))
        return self._stack(X, new_X, y, new_y)


class BorderlineSMOTE(_BaseSMOTE):
    """Borderline-SMOTE: SMOTE from the minority samples in danger only.

    A sample of a class to over-sample is *in danger* when at least half, but
    not all, of its ``m_neighbors`` nearest neighbours among all samples belong
    to other classes (all of them: noise, left alone). Synthetic samples are
    then made from the samples in danger only:

    - ``"borderline-1"``: towards one of their ``k_neighbors`` nearest
      same-class neighbours, ``x_new = x + u * (x_nn - x)``, ``u ~ U(0, 1)``;
    - ``"borderline-2"``: towards one of their ``k_neighbors`` nearest
      neighbours of any class; towards a neighbour of another class the gap
      is shorter (below 0.5, see ``other_class_gap``), so the new sample
      stays nearer its own class.

    Read more in the :ref:`User Guide <imbalanced>`.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        As in :class:`SMOTE`.
    random_state : int, RandomState instance or None, default=None
        Controls the random pairs and gaps; pass an int for reproducible output.
    k_neighbors : int or estimator, default=5
        Neighbours to interpolate towards, as in :class:`SMOTE`.
    m_neighbors : int or estimator, default=10
        Neighbours (among all samples) that decide whether a sample is in
        danger; an int or a NearestNeighbors-like object as ``k_neighbors``.
    kind : {"borderline-1", "borderline-2"}, default="borderline-1"
        Which variant of [1]_.
    other_class_gap : {"imbalanced-learn", "paper"}, default="imbalanced-learn"
        The gap of a ``"borderline-2"`` sample made towards a neighbour of
        another class (ignored by ``"borderline-1"``).
        ``"imbalanced-learn"``: ``u * v``, ``u ~ U(0, 1)`` the pair's gap and
        ``v ~ U(0, 0.5)`` a second draw (from a generator seeded again from
        ``random_state``, in the order of those samples), as
        imbalanced-learn, whose samples it reproduces for the same int
        ``random_state``. ``"paper"``: ``u ~ U(0, 0.5)`` as in [1]_, drawn as
        ``u / 2`` from the pair's gap.
    device : str, torch.device or None, default=None
        Where the neighbour searches run, as in :class:`SMOTE`.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: number of samples to generate}``.
    in_danger_indices_ : dict
        ``{class: indices (into X) of its samples in danger}`` for each class
        over-sampled.
    in_danger_indices : dict
        imbalanced-learn's name: the same without the classes with no sample
        in danger (a read-only property).
    n_features_in_ : int
        Number of features seen during :meth:`fit_resample`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_resample`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    SMOTE : Over-sample from every minority sample.
    imblearn.over_sampling.BorderlineSMOTE : The imbalanced-learn implementation.

    Notes
    -----
    A sparse ``X`` is densified (the danger test searches all samples) and
    the result is sparse again. A class with no sample in danger gets no
    synthetic sample (as in
    imbalanced-learn); a warning names it. Both kinds draw the same samples
    as imbalanced-learn for the same int ``random_state`` (``"borderline-2"``
    with the default ``other_class_gap``).

    References
    ----------
    .. [1] H. Han, W.-Y. Wang and B.-H. Mao, "Borderline-SMOTE: A New
       Over-Sampling Method in Imbalanced Data Sets Learning", International
       Conference on Intelligent Computing (ICIC), 878-887, 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skdl.over_sampling import BorderlineSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0.05, random_state=0)
    >>> X_res, y_res = BorderlineSMOTE(random_state=0, device="cpu").fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [877, 877]
    """

    _parameter_constraints: dict = {
        **_BaseSMOTE._parameter_constraints,
        "m_neighbors": list(_NEIGHBOURS_CONSTRAINT),
        "kind": [StrOptions({"borderline-1", "borderline-2"})],
        "other_class_gap": [StrOptions({"imbalanced-learn", "paper"})],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        m_neighbors=10,
        kind="borderline-1",
        other_class_gap="imbalanced-learn",
        device=None,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy, random_state=random_state, k_neighbors=k_neighbors, device=device
        )
        self.m_neighbors = m_neighbors
        self.kind = kind
        self.other_class_gap = other_class_gap

    def _fit_resample(self, X_in, y):
        device = resolve_device(self.device)
        # Danger is decided among all samples: a sparse X is densified.
        X = X_in.toarray() if sparse.issparse(X_in) else X_in
        X_t = to_tensor(X, device)
        new_X, new_y = [], []
        in_danger = {}
        for label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            class_index = np.flatnonzero(y == label)
            X_class = X[class_index]
            X_class_t = X_t[torch.as_tensor(class_index, device=device)]
            nn_m = to_numpy(
                self._neighbours(self.m_neighbors, "m_neighbors", label, X_class, X_class_t, X, X_t, class_index)
            )
            n_other = np.count_nonzero(y[nn_m] != label, axis=1)
            m = nn_m.shape[1]
            danger = (n_other >= m / 2) & (n_other < m)
            in_danger[label] = class_index[danger]
            if not danger.any():
                warnings.warn(
                    f"BorderlineSMOTE found no sample of class {_label_repr(label)} in danger; "
                    "it generates no sample for this class.",
                    UserWarning,
                )
                continue
            X_danger, X_danger_t = X_class[danger], X_class_t[torch.as_tensor(danger, device=device)]
            if self.kind == "borderline-1":
                reference, reference_t, query_index = X_class, X_class_t, np.flatnonzero(danger)
                scale_other = None
            else:
                reference, reference_t, query_index = X, X_t, class_index[danger]

                def scale_other(neighbour_index, label=label):
                    towards_other = y[neighbour_index] != label
                    scale = np.ones(towards_other.size)
                    if self.other_class_gap == "paper":
                        scale[towards_other] = 0.5
                    else:
                        # imbalanced-learn seeds a second generator from
                        # random_state (the same seed for an int) for these.
                        second = check_random_state(self.random_state)
                        scale[towards_other] = second.uniform(low=0.0, high=0.5, size=np.count_nonzero(towards_other))
                    return scale

            nn_k = self._neighbours(
                self.k_neighbors, "k_neighbors", label, X_danger, X_danger_t, reference, reference_t, query_index
            )
            new_X.append(self._synthesize(X_danger_t, reference_t, nn_k, n_new, X.dtype, scale_other))
            new_y.append(np.full(n_new, label, dtype=y.dtype))
        self.in_danger_indices_ = in_danger
        return self._stack(X_in, new_X, y, new_y)

    @property
    def in_danger_indices(self):
        """imbalanced-learn's name for the samples in danger.

        Returns
        -------
        in_danger_indices : dict of ndarray
            ``{class: indices (into X) of its samples in danger}``, as
            ``in_danger_indices_`` but, as imbalanced-learn's, without the
            classes that have none. A property, not an attribute: fitted
            attributes end in ``_`` for scikit-learn.
        """
        if not hasattr(self, "in_danger_indices_"):
            raise AttributeError(
                "This BorderlineSMOTE instance is not fitted yet: in_danger_indices is set by fit_resample."
            )
        return {label: index for label, index in self.in_danger_indices_.items() if index.size}
