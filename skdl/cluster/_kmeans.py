"""K-means clustering by Lloyd's algorithm, on the CPU or a CUDA GPU."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.sparsefuncs import mean_variance_axis

from .._device import DEVICE_CONSTRAINT, chunk_size, resolve_device, to_numpy, to_tensor
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
)
from ..utils._tags import with_xfail_checks
from ..utils._validation import (
    check_fitted,
    check_n_samples_at_least,
    check_squares_are_finite,
    unchanged_on_error,
)
from ._elkan import elkan
from ._lloyd import euclidean_distances, inertia, lloyd, nearest_centers, row_sq_norms
from ._seeding import kmeans_plusplus, random_seeding
from ._sparse import CsrData

_INIT_METHODS = ("k-means++", "random")

# One run from one initialisation, on the CPU. On a CUDA device every algorithm
# runs Lloyd's matrix products (the user guide says why), and on
# sparse input Lloyd's iterations, which Elkan's give exactly.
_CPU_ALGORITHMS = {"lloyd": lloyd, "elkan": elkan}


def _canonical_csr(X):
    """CSR with sorted indices and no duplicates (what the sparse kernels read)."""
    X.sum_duplicates()
    return X


def _distance_chunk_rows(n_samples, n_clusters, itemsize):
    """Rows per chunk so a block of distances to all centers fits working memory."""
    return chunk_size(bytes_per_row=2 * n_clusters * itemsize, n_rows=n_samples)


def _check_finite_result(values, X):
    """Raise the overflow error when distances computed from X are not finite.

    Checked on the results (one value per sample) rather than on X before the
    computation, which would read all of X once more on every ``predict``.
    """
    # (NumPy's check of a CPU tensor is ten times cheaper than torch's)
    finite = np.isfinite(values.numpy()).all() if values.device.type == "cpu" else torch.isfinite(values).all()
    if not bool(finite):
        check_squares_are_finite(X, "squared distances to the centers")
        raise ValueError("Squared distances to the centers are not finite: rescale X.")


def _same_partition(labels, other, n_clusters):
    """True if two labelings are the same partition up to a renaming of clusters."""
    labels, other = to_numpy(labels), to_numpy(other)
    mapping = np.full(n_clusters, -1)
    mapping[labels] = other
    return bool(np.array_equal(mapping[labels], other)) and len(set(mapping[mapping >= 0])) == len(np.unique(labels))


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """K-means clustering by Lloyd's algorithm, on the CPU or a CUDA GPU.

    Minimises the within-cluster sum of squares (WCSS, the inertia)
    ``sum_i w_i ||x_i - c_{l_i}||^2`` by alternating an assignment step (each
    sample joins its nearest center) and an update step (each center moves to
    the weighted mean of its samples). See the :ref:`user guide <clustering>`.

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters and of centers.

    init : {"k-means++", "random"}, callable or array-like of shape \
            (n_clusters, n_features), default="k-means++"
        How the centers start:

        - ``"k-means++"``: greedy k-means++, each new center the best of
          ``2 + int(log(n_clusters))`` candidates drawn with probability
          proportional to the squared distance to the nearest chosen center;
        - ``"random"``: ``n_clusters`` distinct samples drawn at random;
        - an array: these centers (then one initialisation is run);
        - a callable ``init(X, n_clusters, random_state)`` returning an
          array of shape ``(n_clusters, n_features)``. As in scikit-learn, it
          receives X centered on its mean.

    n_init : "auto" or int, default="auto"
        Number of initialisations; the run with the lowest inertia is kept.
        ``"auto"`` is 1 for ``"k-means++"`` and an array, 10 for
        ``"random"`` and a callable.

    max_iter : int, default=300
        Maximum number of Lloyd iterations per initialisation.

    tol : float, default=1e-4
        Convergence tolerance relative to the data: a run stops when the
        squared shift of the centers, summed over clusters, is at most
        ``tol`` times the mean variance of the features. A run also stops as
        soon as no label changes.

    verbose : int, default=0
        Print the center shift at each iteration if positive.

    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation. An int gives reproducible results, and the
        same seeds as scikit-learn's ``KMeans`` with the same ``random_state``.

    copy_x : bool, default=True
        Centering the data on its mean keeps the distances accurate. With
        ``True`` the data is copied first; with ``False`` a C-contiguous
        float array is centered in place and shifted back before ``fit``
        returns (it may then differ from the original by rounding), which
        saves one copy of X.

    algorithm : {"lloyd", "elkan"}, default="lloyd"
        ``"lloyd"``: the classical assignment/update iterations;
        ``"elkan"``: the same iterations, skipping the distances that the
        triangle inequality proves useless (one upper bound per sample, one
        lower bound per sample and center, the distances between centers),
        which pays off for well separated clusters, at the cost of an
        ``(n_samples, n_clusters)`` array of bounds. Both give the same
        labels and centers. With ``n_clusters=1`` ``"elkan"`` warns and runs
        ``"lloyd"``, as in scikit-learn. On a CUDA device both run Lloyd's
        matrix products, faster there than the bounds.

    device : str, torch.device or None, default=None
        Where to compute: ``"auto"`` (CUDA when available), ``"cpu"``,
        ``"cuda"``, ``"cuda:<index>"`` or a :class:`torch.device`. ``None``
        uses the global setting of :func:`skdl.set_config`. Fitted
        attributes are NumPy arrays whatever the device.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Coordinates of the centers.

    labels_ : ndarray of shape (n_samples,)
        Cluster of each training sample.

    inertia_ : float
        Weighted sum of squared distances of the training samples to their
        centers.

    n_iter_ : int
        Number of iterations of the kept run.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when X has string feature
        names.

    See Also
    --------
    sklearn.cluster.KMeans : The scikit-learn estimator this one mirrors.

    Notes
    -----
    float32 input is computed in float32, everything else in float64.
    Distances are computed in chunks whose size follows scikit-learn's
    ``working_memory`` setting, so memory stays linear in the number of
    samples. Empty clusters are re-seeded with the samples farthest from their
    centers. Sparse input (any scipy format, converted to CSR) is computed on
    the CPU from its stored values, never densified; it is not centered, and
    ``algorithm="elkan"`` runs Lloyd's iterations on it, which Elkan's
    reproduce exactly.

    References
    ----------
    .. [1] S. Lloyd, "Least squares quantization in PCM", IEEE Transactions
       on Information Theory, 28(2), 1982.
    .. [2] D. Arthur and S. Vassilvitskii, "k-means++: the advantages of
       careful seeding", SODA 2007.

    Examples
    --------
    >>> import numpy as np
    >>> from skdl.cluster import KMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> km = KMeans(n_clusters=2, random_state=0, device="cpu").fit(X)
    >>> sorted(km.cluster_centers_.tolist())
    [[1.0, 2.0], [10.0, 2.0]]
    >>> km.predict([[0, 0], [12, 3]]).tolist() == [km.labels_[0], km.labels_[3]]
    True
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "init": [StrOptions(set(_INIT_METHODS)), callable, "array-like"],
        "n_init": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "copy_x": ["boolean"],
        "algorithm": [StrOptions({"lloyd", "elkan"})],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        copy_x=True,
        algorithm="lloyd",
        device=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm
        self.device = device

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = True
        reason = (
            "Weights are not equivalent to repeated samples for a random init: the "
            "seeding draws differ between the two forms (scikit-learn's KMeans "
            "declares the same). With a fixed init they are equivalent, see "
            "tests/cluster/test_kmeans.py::test_weights_equal_repeated_rows."
        )
        return with_xfail_checks(
            tags,
            {
                "check_sample_weight_equivalence_on_dense_data": reason,
                "check_sample_weight_equivalence_on_sparse_data": reason,
            },
        )

    def _n_init_runs(self):
        """Number of initialisations, resolving ``"auto"`` and array inits."""
        init_is_array = not isinstance(self.init, str) and not callable(self.init)
        if init_is_array:
            if self.n_init not in ("auto", 1):
                warnings.warn(
                    f"Explicit initial center position passed: performing only one "
                    f"init in {self.__class__.__name__} instead of n_init={self.n_init}.",
                    RuntimeWarning,
                    stacklevel=3,
                )
            return 1
        if self.n_init == "auto":
            return 1 if self.init == "k-means++" else 10
        return self.n_init

    def _resolved_algorithm(self):
        """The algorithm to run: ``"elkan"`` with one cluster warns and runs ``"lloyd"``."""
        if self.algorithm == "elkan" and self.n_clusters == 1:
            warnings.warn(
                "algorithm='elkan' doesn't make sense for a single cluster. Using 'lloyd' instead.",
                RuntimeWarning,
                stacklevel=3,
            )
            return "lloyd"
        return self.algorithm

    def _checked_centers(self, centers, dtype, source):
        """Validate initial centers given as an array or returned by a callable."""
        centers = np.asarray(centers)
        if centers.ndim != 2:
            raise ValueError(f"The initial centers from {source} must be a 2-D array; got shape {centers.shape}.")
        # scikit-learn's messages, which its tests match.
        if centers.shape[0] != self.n_clusters:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not match the "
                f"number of clusters {self.n_clusters}."
            )
        if centers.shape[1] != self.n_features_in_:
            raise ValueError(
                f"The shape of the initial centers {centers.shape} does not match the "
                f"number of features of the data {self.n_features_in_}."
            )
        if not np.all(np.isfinite(centers)):
            raise ValueError(f"The initial centers from {source} contain NaN or infinity.")
        return centers.astype(dtype, copy=False)

    def _initial_centers(self, X_t, X_centered_np, x_sq_norms, w_t, X_mean, random_state):
        """Starting centers of one run, in the centered coordinates of ``X_t``."""
        if isinstance(self.init, str) and self.init == "k-means++":
            return kmeans_plusplus(X_t, self.n_clusters, x_sq_norms, w_t, random_state)[0]
        if isinstance(self.init, str) and self.init == "random":
            return random_seeding(X_t, self.n_clusters, w_t, random_state)
        if callable(self.init):
            centers = self.init(X_centered_np, self.n_clusters, random_state=random_state)
            centers = self._checked_centers(centers, X_centered_np.dtype, "the init callable")
            return to_tensor(centers, X_t.device)
        centers = self._checked_centers(self.init, to_numpy(X_mean).dtype, "init")
        return to_tensor(centers, X_t.device) - X_mean

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Compute k-means clustering.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample; ``None`` gives every sample weight 1.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with unchanged_on_error(self):
            X = validate_data(
                self,
                X,
                accept_sparse="csr",
                dtype=[np.float64, np.float32],
                order="C",
                copy=self.copy_x,
            )
            check_n_samples_at_least(X, self.n_clusters, "n_clusters")
            algorithm = self._resolved_algorithm()
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
            # Squared distances overflow near the float limits: a clear error, not NaN
            # (the clustering does not depend on the scale, so rescaling is safe).
            check_squares_are_finite(X, "squared distances between samples")
            device = resolve_device(self.device)
            n_runs = self._n_init_runs()
            result = self._fit_runs(X, sample_weight, device, algorithm, n_runs)
        self.cluster_centers_, self.labels_, self.inertia_, self.n_iter_ = result
        self._n_features_out = self.n_clusters
        # The resolved number of runs, under scikit-learn's private name.
        self._n_init = n_runs
        return self

    def _fit_runs(self, X, sample_weight, device, algorithm, n_runs):
        """Run every initialisation and return the fitted values of the best."""
        random_state = check_random_state(self.random_state)
        if scipy.sparse.issparse(X):
            # Sparse rows are not centered (that would densify them), as in
            # scikit-learn; they are computed on the CPU whatever the device.
            X_t = CsrData(_canonical_csr(X))
            w_t = to_tensor(sample_weight, X_t.device, dtype=X.dtype)
            X_mean = torch.zeros(X.shape[1], dtype=X_t.dtype)
            return self._best_run(X, X_t, w_t, X_mean, n_runs, random_state, algorithm)
        if not X.flags.writeable:
            X = X.copy()  # centered in place below
        X_t = to_tensor(X, device)
        w_t = to_tensor(sample_weight, device, dtype=X.dtype)
        # Centering keeps ||c||^2 - 2 x.c accurate. The mean is NumPy's, as in
        # scikit-learn, so ties between equidistant centers break the same way.
        X_mean = to_tensor(X.mean(axis=0), device)
        # In place: X is the private copy (copy_x=True), or the caller's array
        # (copy_x=False; on the CPU X_t shares its memory), shifted back after.
        X_t.sub_(X_mean)
        try:
            return self._best_run(X, X_t, w_t, X_mean, n_runs, random_state, algorithm)
        finally:
            X_t.add_(X_mean)

    def _best_run(self, X, X_t, w_t, X_mean, n_runs, random_state, algorithm):
        """Fitted values of the best of ``n_runs`` runs on the centered ``X_t``."""
        sparse = isinstance(X_t, CsrData)
        run_one = lloyd if sparse or X_t.device.type != "cpu" else _CPU_ALGORITHMS[algorithm]
        if sparse:
            x_sq_norms = X_t.row_sq_norms()
            tol = float(np.mean(mean_variance_axis(X, axis=0)[1])) * self.tol
            X_centered_np = X
        else:
            x_sq_norms = row_sq_norms(X_t)
            # X is centered, so the mean feature variance is mean ||x||^2 / n_features.
            tol = float(x_sq_norms.mean()) / X.shape[1] * self.tol
            X_centered_np = to_numpy(X_t) if callable(self.init) else None
        chunk_rows = _distance_chunk_rows(X.shape[0], self.n_clusters, X.dtype.itemsize)
        best = None
        for _ in range(n_runs):
            centers = self._initial_centers(X_t, X_centered_np, x_sq_norms, w_t, X_mean, random_state)
            if self.verbose:
                print("Initialization complete")
            labels, run_inertia, centers, n_iter = run_one(
                X_t,
                w_t,
                centers,
                x_sq_norms=x_sq_norms,
                max_iter=self.max_iter,
                tol=tol,
                chunk_rows=chunk_rows,
                verbose=self.verbose,
            )
            # A run that finds the same partition again (up to renaming) does not
            # replace the first one over a rounding-level difference in inertia.
            if best is None or (run_inertia < best[2] and not _same_partition(labels, best[1], self.n_clusters)):
                best = (centers, labels, run_inertia, n_iter)
        centers, labels, best_inertia, n_iter = best
        n_distinct = int((torch.bincount(labels, minlength=self.n_clusters) > 0).sum())
        if n_distinct < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({n_distinct}) found smaller than "
                f"n_clusters ({self.n_clusters}). Possibly due to duplicate points in X.",
                ConvergenceWarning,
                stacklevel=4,
            )
        return (
            to_numpy(centers + X_mean),
            to_numpy(labels).astype(np.int32),
            best_inertia,
            n_iter,
        )

    def _validated_tensors(self, X):
        """Validate prediction input and move it and the centers to the device."""
        check_fitted(self, hasattr(self, "cluster_centers_"))
        X = validate_data(self, X, accept_sparse="csr", dtype=[np.float64, np.float32], order="C", reset=False)
        if scipy.sparse.issparse(X):
            X_t = CsrData(_canonical_csr(X.copy()) if not X.has_canonical_format else X)
            device = X_t.device
        else:
            device = resolve_device(self.device, fallback_to_cpu=True)
            X_t = to_tensor(X, device)
        centers = to_tensor(self.cluster_centers_, device, dtype=X.dtype)
        chunk_rows = _distance_chunk_rows(X.shape[0], self.n_clusters, X.dtype.itemsize)
        return X, X_t, centers, chunk_rows

    def predict(self, X):
        """Predict the closest cluster of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Index of the cluster each sample belongs to.
        """
        X, X_t, centers, chunk_rows = self._validated_tensors(X)
        labels, part_dist = nearest_centers(X_t, centers, chunk_rows=chunk_rows)
        _check_finite_result(part_dist, X)
        return to_numpy(labels).astype(np.int32)

    def transform(self, X):
        """Transform X to a cluster-distance space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_clusters)
            Euclidean distance of each sample to each center.
        """
        X, X_t, centers, chunk_rows = self._validated_tensors(X)
        distances = euclidean_distances(X_t, centers, chunk_rows)
        _check_finite_result(distances, X)
        return to_numpy(distances)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X on the fitted centers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New data.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        score : float
            ``-sum_i w_i min_j ||x_i - c_j||^2``; higher is better.
        """
        X, X_t, centers, chunk_rows = self._validated_tensors(X)
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        w_t = to_tensor(sample_weight, X_t.device, dtype=X.dtype)
        labels, part_dist = nearest_centers(X_t, centers, chunk_rows=chunk_rows)
        _check_finite_result(part_dist, X)
        score = -inertia(X_t, w_t, centers, labels, chunk_rows)
        if not np.isfinite(score):
            _check_finite_result(torch.tensor(score), X)
        return score
