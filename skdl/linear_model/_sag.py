"""Stochastic average gradient (SAG) and SAGA for the penalised log loss, in numba.

The problem is scikit-learn's sag formulation of the logistic objective::

    min_{W, b}  (1 / n) sum_i s_i loss_i(x_i W + b) + alpha / 2 ||W||^2 + beta |W|_1

(``alpha = (1 - r) / (C n)``, ``beta = r / (C n)``), whose minimiser is that
of ``C sum_i s_i loss_i + penalty``. Each step draws a sample ``i`` uniformly
at random, replaces its remembered gradient ``g_i`` (the derivative of
``s_i loss_i`` with respect to the predictor) by the current one, and moves
along the average of the remembered gradients of the samples seen so far:

- SAG (Schmidt, Le Roux and Bach, 2017): ``W <- (1 - step alpha) W - step
  sum_j g_j x_j / n_seen``.
- SAGA (Defazio, Bach and Lacoste-Julien, 2014): the unbiased step
  ``W <- W - step (g_i - g_i^old) x_i (1 - 1 / n_seen)`` and the same
  averaged step, then the proximal step of the L1 part, the soft-threshold
  by ``step beta``.

The step sizes are scikit-learn's (``get_auto_step_size``):
``L = (max_i |x_i|^2 + fit_intercept) / 4 + alpha``, step ``1 / L`` for SAG,
``1 / (2 L + min(2 n alpha, L))`` for SAGA. An epoch is ``n`` steps; the
solver stops when the largest change of a weight over an epoch, relative to
the largest weight, is at most ``tol`` (scikit-learn's criterion).

The loops are sequential scalar updates, so they are numba kernels on the
CPU. Rows are read through one accessor for dense and CSR X; every step
updates all weights (no just-in-time lagging), which costs ``n_features``
per step on sparse X too.
"""

import math

import numpy as np
from numba import njit

from ..utils._random import rand_r

# scikit-learn's damping of the intercept's steps on sparse data
# (SPARSE_INTERCEPT_DECAY in sklearn/linear_model/_base.py).
_SPARSE_INTERCEPT_DECAY = 0.01


@njit(cache=True, nogil=True)
def _row(dense, X, indptr, indices, data, i, all_columns):
    """Column indices and values of row ``i`` (all columns for dense X)."""
    if dense:
        return all_columns, X[i]
    start, stop = indptr[i], indptr[i + 1]
    return indices[start:stop], data[start:stop]


@njit(cache=True, nogil=True)
def _sag_kernel(
    dense,
    X,
    indptr,
    indices,
    data,
    y,
    sw,
    W,
    b,
    multinomial,
    alpha,
    beta,
    step,
    max_iter,
    tol,
    fit_intercept,
    intercept_decay,
    saga,
    seed,
):
    """Run SAG/SAGA epochs in place on ``W`` (n_features, n_rows) and ``b``.

    Returns ``(n_epochs, converged, finite)``.
    """
    n = y.shape[0]
    n_features, n_rows = W.shape
    memory = np.zeros((n, n_rows))
    sum_grad = np.zeros((n_features, n_rows))
    sum_grad_b = np.zeros(n_rows)
    seen = np.zeros(n, dtype=np.bool_)
    previous = W.copy()
    pred = np.empty(n_rows)
    grad = np.empty(n_rows)
    all_columns = np.arange(n_features)
    state = seed
    n_seen = 0
    epoch = 0
    converged = False
    for epoch in range(max_iter):
        for _ in range(n):
            state = rand_r(state)
            i = state % n
            if not seen[i]:
                seen[i] = True
                n_seen += 1
            cols, vals = _row(dense, X, indptr, indices, data, i, all_columns)
            for k in range(n_rows):
                total = b[k]
                for t in range(cols.shape[0]):
                    total += vals[t] * W[cols[t], k]
                pred[k] = total
            if multinomial:
                shift = pred.max()
                norm = 0.0
                for k in range(n_rows):
                    grad[k] = math.exp(pred[k] - shift)
                    norm += grad[k]
                for k in range(n_rows):
                    grad[k] = sw[i] * (grad[k] / norm - (1.0 if k == int(y[i]) else 0.0))
            else:
                z = pred[0]
                p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
                grad[0] = sw[i] * (p - y[i])
            damping = 1.0 - 1.0 / n_seen
            for k in range(n_rows):
                correction = grad[k] - memory[i, k]
                memory[i, k] = grad[k]
                for t in range(cols.shape[0]):
                    c = vals[t] * correction
                    if saga:
                        W[cols[t], k] -= step * damping * c
                    sum_grad[cols[t], k] += c
                if fit_intercept:
                    sum_grad_b[k] += correction
                    b[k] -= step * sum_grad_b[k] / n_seen * intercept_decay
                    if saga:
                        b[k] -= step * damping * correction
            shrink = 1.0 - step * alpha
            threshold = step * beta
            for j in range(n_features):
                for k in range(n_rows):
                    w = shrink * W[j, k] - step * sum_grad[j, k] / n_seen
                    if saga and threshold > 0:
                        w = max(w - threshold, 0.0) - max(-w - threshold, 0.0)
                    W[j, k] = w
        max_change = 0.0
        max_weight = 0.0
        finite = True
        for j in range(n_features):
            for k in range(n_rows):
                if not math.isfinite(W[j, k]):
                    finite = False
                max_weight = max(max_weight, abs(W[j, k]))
                max_change = max(max_change, abs(W[j, k] - previous[j, k]))
                previous[j, k] = W[j, k]
        for k in range(n_rows):
            if not math.isfinite(b[k]):
                finite = False
        if not finite:
            return epoch + 1, False, False
        if (max_weight != 0 and max_change / max_weight <= tol) or (max_weight == 0 and max_change == 0):
            converged = True
            return epoch + 1, converged, True
    return max_iter, converged, True


def row_arrays(X):
    """``(dense, X_dense, indptr, indices, data)``: the arguments of :func:`_row`.

    Dense X travels as a C-contiguous float64 array with empty CSR arrays;
    CSR X as its int64 index arrays and float64 data with a dummy dense one.
    """
    if hasattr(X, "tocsr"):
        X = X.tocsr()
        return (
            False,
            np.zeros((1, 1)),
            X.indptr.astype(np.int64),
            X.indices.astype(np.int64),
            np.asarray(X.data, dtype=np.float64),
        )
    return (
        True,
        np.ascontiguousarray(X, dtype=np.float64),
        np.zeros(1, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        np.zeros(0),
    )


def step_size(max_squared_sum, alpha, n_samples, *, fit_intercept, saga):
    """scikit-learn's automatic SAG/SAGA step size for the log loss."""
    lipschitz = 0.25 * (max_squared_sum + int(fit_intercept)) + alpha
    if saga:
        return 1.0 / (2 * lipschitz + min(2 * n_samples * alpha, lipschitz))
    return 1.0 / lipschitz


def sag(X, y, sw, W0, b0, *, multinomial, alpha, beta, fit_intercept, tol, max_iter, saga, seed):
    """Fit by SAG or SAGA; see the module docstring.

    Parameters
    ----------
    X : ndarray (C-contiguous) or scipy CSR matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Binary: targets in {0, 1}; multinomial: class indices.
    sw : ndarray of shape (n_samples,)
        Sample weights (times the class weights), not normalised.
    W0 : ndarray of shape (n_rows, n_features)
    b0 : ndarray of shape (n_rows,)
    multinomial : bool
    alpha, beta : float
        L2 and L1 strengths of the per-sample-mean objective.
    fit_intercept : bool
    tol : float
    max_iter : int
        Maximum number of epochs.
    saga : bool
    seed : int
        Seeds the draw of the samples.

    Returns
    -------
    W : ndarray of shape (n_rows, n_features)
    b : ndarray of shape (n_rows,)
    n_iter : int
        Epochs run.
    converged : bool
    finite : bool
        False if the weights over- or underflowed.
    """
    sparse = hasattr(X, "tocsr")
    n = X.shape[0]
    if sparse:
        X = X.tocsr()
        max_squared_sum = float(np.max(np.asarray(X.multiply(X).sum(axis=1)))) if n else 0.0
    else:
        max_squared_sum = float(np.max(np.einsum("ij,ij->i", X, X))) if n else 0.0
    step = step_size(max_squared_sum, alpha, n, fit_intercept=fit_intercept, saga=saga)
    W = np.ascontiguousarray(W0.T, dtype=np.float64)
    b = np.array(b0, dtype=np.float64)
    intercept_decay = _SPARSE_INTERCEPT_DECAY if sparse else 1.0
    n_iter, converged, finite = _sag_kernel(
        *row_arrays(X),
        np.asarray(y, dtype=np.float64),
        np.asarray(sw, dtype=np.float64),
        W,
        b,
        bool(multinomial),
        float(alpha),
        float(beta),
        float(step),
        int(max_iter),
        float(tol),
        bool(fit_intercept),
        float(intercept_decay),
        bool(saga),
        int(seed),
    )
    return W.T.copy(), b, n_iter, converged, finite
