"""Kernels of the SVM: linear, poly, rbf and sigmoid, on arrays and tensors.

The definitions are scikit-learn's (and libsvm's)::

    linear   k(x, z) = x . z
    poly     k(x, z) = (gamma x . z + coef0) ** degree
    rbf      k(x, z) = exp(-gamma ||x - z||^2)
    sigmoid  k(x, z) = tanh(gamma x . z + coef0)

Every kernel starts from the matrix of dot products, one BLAS product, and
transforms it in place; ``||x - z||^2`` is ``||x||^2 + ||z||^2 - 2 x . z``
(as libsvm computes it), clipped at 0. The same functions take NumPy arrays
(the CPU solver fills its kernel-row cache with them) or torch tensors
(the blocked solver and the predictions, on the CPU or a GPU). ``"precomputed"``
kernels and callables are read or called by the solvers' row sources
(:class:`FeatureRows`, :class:`PrecomputedRows`).

No estimator state and no validation here.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
from numba import njit

from .._device import to_numpy, to_tensor
from ..cluster._lloyd import row_sq_norms, squared_distances


def _is_tensor(a):
    return isinstance(a, torch.Tensor)


def _tanh_(a):
    return a.tanh_() if _is_tensor(a) else np.tanh(a, out=a)


@njit(cache=True, nogil=True)
def _rbf_exponent(dots, rows_sq, sq, gamma):
    """``dots <- -gamma * max(rows_sq + sq - 2 dots, 0)`` in one pass (then exp).

    ``dots`` and ``rows_sq`` are 1-D (a kernel row), ``sq`` a number.
    """
    for t in range(dots.shape[0]):
        d = rows_sq[t] + sq - 2.0 * dots[t]
        dots[t] = -gamma * d if d > 0.0 else 0.0


@njit(cache=True, nogil=True)
def _rbf_exponent_block(dots, rows_sq, cols_sq, gamma):
    """:func:`_rbf_exponent` on every row of a 2-D block (one formula, a loop
    over rows: a 1-D row keeps the fast path of the solver's kernel rows)."""
    for r in range(dots.shape[0]):
        _rbf_exponent(dots[r], cols_sq, rows_sq[r], gamma)


def _linear(dots, rows_sq, cols_sq, spec):
    return dots


def _powi_(base, degree):
    """``base ** degree`` in place by repeated squaring, as libsvm's ``powi``.

    The same products in the same order as libsvm: ``pow`` rounds
    differently in the last bit, and on the many near-ties of a polynomial
    kernel that changes the pairs SMO picks, and so the solution, by up to
    ``tol`` in the decision values.
    """
    copy = (lambda a: a.clone()) if _is_tensor(base) else np.copy
    result = None
    power = copy(base)
    while degree > 0:
        if degree % 2 == 1:
            if result is None:
                result = copy(power)
            else:
                result *= power
        degree //= 2
        if degree:
            power *= power
    base[...] = 1.0 if result is None else result
    return base


def _poly(dots, rows_sq, cols_sq, spec):
    dots *= spec.gamma
    dots += spec.coef0
    return _powi_(dots, spec.degree)


def _rbf(dots, rows_sq, cols_sq, spec):
    if not _is_tensor(dots):
        _rbf_exponent_block(dots, rows_sq, cols_sq, spec.gamma)
        return np.exp(dots, out=dots)
    # Tensors: ``pairwise`` passes the squared distances already.
    dots *= -spec.gamma
    return dots.exp_()


def _sigmoid(dots, rows_sq, cols_sq, spec):
    dots *= spec.gamma
    dots += spec.coef0
    return _tanh_(dots)


_KERNELS = {"linear": _linear, "poly": _poly, "rbf": _rbf, "sigmoid": _sigmoid}
# Codes of the kernels on features for the CPU solver's own row loop
# (:mod:`skdl.svm._smo_cache`), the order of ``KERNEL_NAMES``.
KERNEL_NAMES = ("linear", "poly", "rbf", "sigmoid")
LINEAR, POLY, RBF, SIGMOID = range(len(KERNEL_NAMES))


@dataclass(frozen=True)
class KernelSpec:
    """A resolved kernel: its name and numeric parameters.

    Parameters
    ----------
    name : {"linear", "poly", "rbf", "sigmoid", "precomputed", "callable"}
    gamma, coef0 : float
    degree : int
    function : callable or None
        The user's kernel when ``name == "callable"``.
    """

    name: str
    gamma: float = 1.0
    coef0: float = 0.0
    degree: int = 3
    function: object = None

    @property
    def on_features(self):
        """True when the kernel is computed from feature vectors."""
        return self.name in _KERNELS


def sq_norms(A):
    """Squared Euclidean norm of each row (array or tensor)."""
    if _is_tensor(A):
        return row_sq_norms(A)
    return np.einsum("ij,ij->i", A, A)


def pairwise(A, B, spec, rows_sq=None, cols_sq=None, out=None):
    """The kernel matrix ``K[i, j] = k(A[i], B[j])``.

    Parameters
    ----------
    A : ndarray or tensor of shape (n_a, n_features)
    B : ndarray or tensor of shape (n_b, n_features)
        Same kind, dtype and device as ``A``.
    spec : KernelSpec
        A kernel on features or a callable.
    rows_sq, cols_sq : ndarray or tensor, default=None
        Squared norms of the rows of ``A`` and ``B`` (rbf only); computed
        when not given.
    out : ndarray or tensor of shape (n_a, n_b), default=None
        Where to write the result (not used for a callable): reusing memory
        saves the page faults of fresh allocations.

    Returns
    -------
    K : ndarray or tensor of shape (n_a, n_b)
        In the dtype of ``A`` (a callable's output is converted).
    """
    if spec.name == "callable":
        return _call_kernel(A, B, spec.function)
    if spec.name == "rbf" and _is_tensor(A):
        rows_sq = sq_norms(A) if rows_sq is None else rows_sq
        cols_sq = sq_norms(B) if cols_sq is None else cols_sq
        return _rbf(squared_distances(A, B, rows_sq, cols_sq, out=out), None, None, spec)
    if out is None:
        dots = A @ B.T
    elif _is_tensor(A):
        dots = torch.matmul(A, B.T, out=out)
    else:
        dots = np.dot(A, B.T, out=out)
    if spec.name == "rbf":
        rows_sq = sq_norms(A) if rows_sq is None else rows_sq
        cols_sq = sq_norms(B) if cols_sq is None else cols_sq
    return _KERNELS[spec.name](dots, rows_sq, cols_sq, spec)


def _call_kernel(A, B, function):
    """A callable kernel on ``A`` and ``B`` (arrays or tensors), its shape checked."""
    K = np.asarray(function(to_numpy(A), to_numpy(B)) if _is_tensor(A) else function(A, B))
    if K.shape != (A.shape[0], B.shape[0]):
        name = getattr(function, "__name__", repr(function))
        raise ValueError(
            f"The kernel {name} returned an array of shape {K.shape} for inputs of "
            f"shapes {tuple(A.shape)} and {tuple(B.shape)}; it must return the matrix "
            f"of shape {(A.shape[0], B.shape[0])}."
        )
    if _is_tensor(A):
        return to_tensor(K, A.device, np.float32 if A.dtype == torch.float32 else np.float64)
    return K.astype(A.dtype, copy=False)


def diagonal(A, spec, chunk_rows):
    """``k(A[i], A[i])`` for every row (an array or tensor, as ``A``).

    Parameters
    ----------
    A : ndarray or tensor of shape (n, n_features)
    spec : KernelSpec
        A kernel on features or a callable.
    chunk_rows : int
        Rows per call of a callable kernel (it returns a square block).

    Returns
    -------
    diag : ndarray or tensor of shape (n,)
    """
    tensor = _is_tensor(A)
    if spec.name == "rbf":
        if tensor:
            return torch.ones(A.shape[0], dtype=A.dtype, device=A.device)
        return np.ones(A.shape[0], dtype=A.dtype)
    if spec.name == "callable":
        out = torch.empty_like(A[:, 0]) if tensor else np.empty(A.shape[0], dtype=A.dtype)
        diag = torch.diagonal if tensor else np.diagonal
        for start in range(0, A.shape[0], chunk_rows):
            block = A[start : start + chunk_rows]
            out[start : start + len(block)] = diag(pairwise(block, block, spec))
        return out
    # A fresh array: the kernel may transform it in place.
    return _KERNELS[spec.name](sq_norms(A)[:, None], None, None, spec)[:, 0]


class FeatureRows:
    """Kernel values of one binary problem whose kernel is computed from features.

    The CPU solver keeps its variables in "position" order and swaps them as
    its active set shrinks; it swaps the rows of ``X_perm`` (and
    ``sq_perm``) with them, so the kernel between one sample and the active
    ones is one BLAS product with a contiguous block.

    Parameters
    ----------
    X : ndarray of shape (n_total, n_features)
        Samples (C-contiguous, float32 or float64); never modified.
    spec : KernelSpec
    index : ndarray of shape (n,), default=None
        The samples that make up the problem (all when None).
    """

    def __init__(self, X, spec, index=None):
        self.spec = spec
        self.X_perm = X.copy() if index is None else X[index]
        self.sq_perm = sq_norms(self.X_perm) if spec.name == "rbf" else np.zeros(len(self.X_perm), dtype=X.dtype)
        self._row = np.empty((len(self.X_perm), 1), dtype=X.dtype)

    @property
    def kernel_code(self):
        """Code of the kernel for the solver's own row loop (-1: a callable)."""
        if not self.spec.on_features:
            return -1
        return KERNEL_NAMES.index(self.spec.name)

    def row(self, r, start, stop, active):
        """``k(x_r, x_t)`` for the samples at positions ``start <= t < stop``."""
        out = self._row[: stop - start]
        if self.spec.name == "rbf":
            dots = np.dot(self.X_perm[start:stop], self.X_perm[r], out=out[:, 0])
            _rbf_exponent(dots, self.sq_perm[start:stop], self.sq_perm[r], self.spec.gamma)
            return np.exp(dots, out=dots)
        x_r = self.X_perm[r : r + 1]
        if self.spec.name == "callable":
            return pairwise(self.X_perm[start:stop], x_r, self.spec)[:, 0]
        return pairwise(self.X_perm[start:stop], x_r, self.spec, out=out)[:, 0]

    def block(self, start, stop, columns, active, out=None):
        """``k(x_t, x_c)`` for positions ``start <= t < stop`` and ``c`` in ``columns``."""
        if self.spec.name == "callable":
            out = None
        return pairwise(
            self.X_perm[start:stop],
            self.X_perm[columns],
            self.spec,
            self.sq_perm[start:stop],
            self.sq_perm[columns],
            out=out,
        )

    def diagonal(self, chunk_rows):
        return diagonal(self.X_perm, self.spec, chunk_rows)


@njit(cache=True, nogil=True)
def _sparse_dots(data, indices, indptr, targets, dense_x, out):
    """``out[k] = X[targets[k]] . x`` for CSR rows and ``x`` scattered densely."""
    for k in range(targets.shape[0]):
        t = targets[k]
        total = 0.0
        for p in range(indptr[t], indptr[t + 1]):
            total += data[p] * dense_x[indices[p]]
        out[k] = total


@njit(cache=True, nogil=True)
def _sparse_block_dots(data, indices, indptr, targets, columns, dense_x, out):
    """``out[k, c] = X[targets[k]] . X[columns[c]]``: one scatter per column."""
    for c in range(columns.shape[0]):
        col = columns[c]
        for p in range(indptr[col], indptr[col + 1]):
            dense_x[indices[p]] = data[p]
        _sparse_dots(data, indices, indptr, targets, dense_x, out[:, c])
        for p in range(indptr[col], indptr[col + 1]):
            dense_x[indices[p]] = 0.0


@njit(cache=True, nogil=True)
def _csr_sq_norms(data, indptr, out):
    for r in range(out.shape[0]):
        total = 0.0
        for p in range(indptr[r], indptr[r + 1]):
            total += data[p] * data[p]
        out[r] = total


def sparse_sq_norms(X):
    """Squared Euclidean norm of each row of a CSR matrix.

    Summed in the order of the stored values, one after the other: libsvm's
    ``dot(x, x)``. (scipy's row sums are pairwise and round otherwise: the
    diagonal of a linear kernel then differs in the last bit on rows of
    eight values or more, and on a problem of 16,000 rows SMO took other
    pairs at near-ties, 62.2 million steps against libsvm's 70.2 million.)
    """
    X = sp.csr_matrix(X)
    if not X.has_canonical_format:
        # Duplicate entries add up before they are squared.
        X = X.copy()
        X.sum_duplicates()
    out = np.empty(X.shape[0], dtype=X.dtype)
    _csr_sq_norms(X.data, X.indptr, out)
    return out


class SparseRows:
    """Kernel values of one binary problem whose samples are sparse (CSR) rows.

    Each kernel value starts from a dot product of two CSR rows, computed by
    numba from the non-zeros (one row scattered into a dense vector of
    ``n_features`` values); X is never densified. As for
    :class:`PrecomputedRows`, nothing is permuted: the solver's positions are
    mapped to samples through ``active``.

    Parameters
    ----------
    X : scipy sparse matrix or array of shape (n_total, n_features), CSR
        Samples, float32 or float64, canonical (sorted, no duplicates).
    spec : KernelSpec
        A kernel on features.
    index : ndarray of shape (n,)
        The samples that make up the problem.
    """

    def __init__(self, X, spec, index):
        self.spec = spec
        part = X[index]
        self.data, self.indices, self.indptr = part.data, part.indices, part.indptr
        self.sq = sparse_sq_norms(part)
        self._dense_x = np.zeros(X.shape[1], dtype=X.dtype)
        n = len(index)
        self.X_perm = np.empty((n, 0), dtype=X.dtype)
        self.sq_perm = np.zeros(n, dtype=X.dtype)

    def _kernel(self, dots, rows, columns):
        return _KERNELS[self.spec.name](dots, self.sq[rows], self.sq[columns], self.spec)

    def row(self, r, start, stop, active):
        """``k(x_r, x_t)`` for the samples at positions ``start <= t < stop``."""
        sample, targets = active[r], active[start:stop]
        return self.block_of(targets, np.array([sample]))[:, 0]

    def block_of(self, targets, columns, out=None):
        """``k(x_t, x_c)`` for samples ``t`` in ``targets``, ``c`` in ``columns``."""
        if out is None:
            out = np.empty((len(targets), len(columns)), dtype=self._dense_x.dtype)
        _sparse_block_dots(self.data, self.indices, self.indptr, targets, columns, self._dense_x, out)
        return self._kernel(out, targets, columns)

    def block(self, start, stop, columns, active, out=None):
        return self.block_of(active[start:stop], active[columns], out=out)

    def diagonal(self, chunk_rows):
        if self.spec.name == "rbf":
            return np.ones_like(self.sq)
        # A fresh array: the kernel transforms it in place.
        return _KERNELS[self.spec.name](self.sq.copy()[:, None], None, None, self.spec)[:, 0]


def sparse_decision_values(X, support_vectors, weights, intercepts, spec, chunk_rows):
    """``K(X, SV) @ weights + intercepts`` for CSR ``X`` and support vectors (CPU).

    Each block of rows of X gets its dot products with the support vectors
    as one sparse product, densified only for the block (``chunk_rows`` x
    n_SV values).
    """
    out = np.empty((X.shape[0], weights.shape[1]))
    sv_sq = sparse_sq_norms(support_vectors) if spec.name == "rbf" else None
    sv_t = support_vectors.T.tocsc()
    for start in range(0, X.shape[0], chunk_rows):
        block = X[start : start + chunk_rows]
        dots = np.asarray((block @ sv_t).toarray(), dtype=np.float64)
        rows_sq = sparse_sq_norms(block).astype(np.float64) if sv_sq is not None else None
        K = _KERNELS[spec.name](dots, rows_sq, sv_sq, spec)
        out[start : start + block.shape[0]] = K @ weights + intercepts
    return out


class PrecomputedRows:
    """Kernel values of one binary problem read from a precomputed Gram matrix.

    Parameters
    ----------
    K : ndarray of shape (n_total, n_total)
        The user's training Gram matrix.
    index : ndarray of shape (n,)
        Rows of ``K`` that make up the problem.
    """

    def __init__(self, K, index):
        self.K = K
        self.index = index
        n = len(index)
        # Nothing to permute: samples are found through the solver's positions.
        self.X_perm = np.empty((n, 0), dtype=K.dtype)
        self.sq_perm = np.zeros(n, dtype=K.dtype)

    def row(self, r, start, stop, active):
        return self.K[self.index[active[r]], self.index[active[start:stop]]]

    def block(self, start, stop, columns, active, out=None):
        return self.K[np.ix_(self.index[active[start:stop]], self.index[active[columns]])]

    def diagonal(self, chunk_rows):
        return self.K[self.index, self.index]


def decision_values(X, support_vectors, weights, intercepts, spec, chunk_rows, sv_sq=None):
    """``K(X, SV) @ weights + intercepts``, a block of rows of X at a time.

    Parameters
    ----------
    X : tensor of shape (n_samples, n_features)
        For a precomputed kernel, the columns of the test kernel matrix for
        the support vectors (n_samples, n_SV).
    support_vectors : tensor of shape (n_SV, n_features) or None
        None for a precomputed kernel.
    weights : tensor of shape (n_SV, n_machines)
        Signed dual coefficients of each machine (zero for the support vectors
        a machine does not use).
    intercepts : tensor of shape (n_machines,)
    spec : KernelSpec
    chunk_rows : int
        Rows of X per block, so a block of kernel values fits the memory budget.
    sv_sq : tensor of shape (n_SV,), default=None
        Squared norms of the support vectors (rbf).

    Returns
    -------
    values : tensor of shape (n_samples, n_machines)
    """
    out = torch.empty((X.shape[0], weights.shape[1]), dtype=X.dtype, device=X.device)
    if spec.name == "rbf" and sv_sq is None:
        sv_sq = sq_norms(support_vectors)
    for start in range(0, X.shape[0], chunk_rows):
        block = X[start : start + chunk_rows]
        K = block if support_vectors is None else pairwise(block, support_vectors, spec, cols_sq=sv_sq)
        torch.addmm(intercepts, K, weights, out=out[start : start + len(block)])
    return out


class TensorRows:
    """Kernel rows of one binary problem as tensors on a device (blocked solver).

    Parameters
    ----------
    X : tensor of shape (n, n_features)
        The problem's samples, on the device.
    spec : KernelSpec
        A kernel on features or a callable.
    """

    def __init__(self, X, spec):
        self.X = X
        self.spec = spec
        self.sq = sq_norms(X) if spec.name == "rbf" else None

    @property
    def takes_out(self):
        """True when :meth:`rows` writes into the memory it is given."""
        return self.spec.on_features

    def empty(self, n_rows):
        """Memory for ``n_rows`` kernel rows (reused between working sets)."""
        return torch.empty((n_rows, self.X.shape[0]), dtype=self.X.dtype, device=self.X.device)

    def rows(self, index, out=None):
        """``k(x_i, x_j)`` for ``i`` in ``index`` (a tensor) and every sample j."""
        rows_sq = None if self.sq is None else self.sq[index]
        return pairwise(self.X[index], self.X, self.spec, rows_sq, self.sq, out=out)

    def diagonal(self, chunk_rows):
        return diagonal(self.X, self.spec, chunk_rows)


class PrecomputedTensorRows:
    """Kernel rows of one binary problem gathered from a precomputed Gram matrix.

    Parameters
    ----------
    K : tensor of shape (n_total, n_total)
        The training Gram matrix, on the device.
    index : tensor of shape (n,)
        Rows of ``K`` that make up the problem.
    """

    def __init__(self, K, index):
        self.K = K
        self.index = index

    # Rows are gathered from K: no memory of the solver's is written.
    takes_out = False

    def rows(self, index, out=None):
        return self.K[self.index[index]][:, self.index]

    def diagonal(self, chunk_rows):
        return self.K[self.index, self.index]
