"""Solvers of the linear SVM primal problem (one binary problem at a time).

The problem, with labels ``y_i`` in {-1, +1}, per-sample costs ``c_i`` (``C``
times the sample and class weights) and the bias handled as liblinear does
(an extra feature of constant value ``B = intercept_scaling`` whose weight
``w_b`` is penalised like the others)::

    L2:  min_w  1/2 ||w||^2 + 1/2 w_b^2 + sum_i c_i xi_i
    L1:  min_w  |w|_1 + |w_b|           + sum_i c_i xi_i

with ``xi_i = max(0, 1 - y_i (x_i . w + B w_b))`` (hinge) or its square
(squared hinge).

- L2 penalty: dual coordinate descent with shrinking (Hsieh et al., 2008),
  the method of liblinear, as one numba kernel on the CPU reading dense or
  CSR rows through one accessor.
  It is an inherently sequential scalar loop. :func:`dual_cd_reference` is
  the same algorithm in plain NumPy, used by the tests.
- L1 penalty (squared hinge only): accelerated proximal gradient on the
  primal in torch (CPU or GPU), giving exact zeros.
"""

import math

import numpy as np
import torch
from numba import njit

from ..linear_model._sag import _row, row_arrays
from ..utils._random import rand_r


@njit(cache=True, nogil=True, error_model="numpy")
def _shuffle_active(index, active, state):
    """Shuffle ``index[:active]`` in place (liblinear's pass order); returns the state."""
    for s in range(active):
        state = rand_r(state)
        j = s + state % (active - s)
        index[s], index[j] = index[j], index[s]
    return state


@njit(cache=True, nogil=True)
def _dual_cd(dense, X, indptr, indices, data, y, cost, bias, squared, max_iter, eps, seed, w, alpha):
    """Dual coordinate descent with shrinking; updates w, alpha.

    Rows of X are read through one accessor (``_row``: a dense row or a CSR
    slice), so dense and sparse X share this loop. ``w`` has
    ``n_features + 1`` entries, the last the bias weight. Returns the number
    of outer iterations.
    """
    n = y.shape[0]
    n_features = w.shape[0] - 1
    all_columns = np.arange(n_features)
    state = seed
    diag = np.empty(n)
    upper = np.empty(n)
    qd = np.empty(n)
    for i in range(n):
        if squared:
            diag[i] = 0.5 / cost[i]
            upper[i] = np.inf
        else:
            diag[i] = 0.0
            upper[i] = cost[i]
        cols, vals = _row(dense, X, indptr, indices, data, i, all_columns)
        sq = bias * bias
        for t in range(cols.shape[0]):
            sq += vals[t] * vals[t]
        qd[i] = diag[i] + sq
    index = np.arange(n)
    active = n
    pg_max_old, pg_min_old = np.inf, -np.inf
    n_iter = 0
    while n_iter < max_iter:
        pg_max_new, pg_min_new = -np.inf, np.inf
        state = _shuffle_active(index, active, state)
        s = 0
        while s < active:
            i = index[s]
            cols, vals = _row(dense, X, indptr, indices, data, i, all_columns)
            g = w[n_features] * bias
            for t in range(cols.shape[0]):
                g += vals[t] * w[cols[t]]
            g = g * y[i] - 1.0 + diag[i] * alpha[i]
            pg = 0.0
            if alpha[i] == 0.0:
                if g > pg_max_old:
                    active -= 1
                    index[s], index[active] = index[active], index[s]
                    continue
                elif g < 0.0:
                    pg = g
            elif alpha[i] == upper[i]:
                if g < pg_min_old:
                    active -= 1
                    index[s], index[active] = index[active], index[s]
                    continue
                elif g > 0.0:
                    pg = g
            else:
                pg = g
            pg_max_new = max(pg_max_new, pg)
            pg_min_new = min(pg_min_new, pg)
            if abs(pg) > 1e-12:
                old = alpha[i]
                alpha[i] = min(max(old - g / qd[i], 0.0), upper[i])
                step = (alpha[i] - old) * y[i]
                for t in range(cols.shape[0]):
                    w[cols[t]] += step * vals[t]
                w[n_features] += step * bias
            s += 1
        n_iter += 1
        if pg_max_new - pg_min_new <= eps:
            if active == n:
                break
            active = n
            pg_max_old, pg_min_old = np.inf, -np.inf
            continue
        pg_max_old, pg_min_old = pg_max_new, pg_min_new
        if pg_max_old <= 0:
            pg_max_old = np.inf
        if pg_min_old >= 0:
            pg_min_old = -np.inf
    return n_iter


def dual_cd(X, y, cost, *, bias, squared, max_iter, tol, seed):
    """Solve the L2-penalised problem by dual coordinate descent.

    Parameters
    ----------
    X : ndarray (C-contiguous float64) or scipy CSR matrix
    y : ndarray of shape (n_samples,)
        Labels in {-1.0, +1.0}.
    cost : ndarray of shape (n_samples,)
        Positive per-sample costs ``c_i``.
    bias : float
        Value of the constant bias feature (0 for no intercept).
    squared : bool
        Squared hinge (True) or hinge (False).
    max_iter : int
    tol : float
        Stop when the spread of the projected gradient is at most ``tol``.
    seed : int
        Seeds the order of the coordinates.

    Returns
    -------
    w : ndarray of shape (n_features + 1,)
        Weights, the last one the bias weight.
    n_iter : int
    """
    w = np.zeros(X.shape[1] + 1)
    alpha = np.zeros(X.shape[0])
    args = (y, cost, float(bias), bool(squared), int(max_iter), float(tol), int(seed), w, alpha)
    n_iter = _dual_cd(*row_arrays(X), *args)
    return w, n_iter


def dual_cd_reference(X, y, cost, *, bias, squared, max_iter, tol):
    """Plain NumPy dual coordinate descent, cyclic and without shrinking.

    A slow, readable reference for the tests: it converges to the same
    optimum as :func:`dual_cd`.
    """
    n, n_features = X.shape
    Xb = np.hstack([X, np.full((n, 1), bias)])
    diag = 0.5 / cost if squared else np.zeros(n)
    upper = np.full(n, np.inf) if squared else cost
    qd = diag + (Xb * Xb).sum(axis=1)
    w = np.zeros(n_features + 1)
    alpha = np.zeros(n)
    for _ in range(max_iter):
        pg_all = []
        for i in range(n):
            g = y[i] * (Xb[i] @ w) - 1.0 + diag[i] * alpha[i]
            pg = min(g, 0.0) if alpha[i] == 0 else (max(g, 0.0) if alpha[i] == upper[i] else g)
            pg_all.append(pg)
            new = min(max(alpha[i] - g / qd[i], 0.0), upper[i])
            w += (new - alpha[i]) * y[i] * Xb[i]
            alpha[i] = new
        if max(pg_all) - min(pg_all) <= tol:
            break
    return w


def primal_objective(X, y, cost, w, *, bias, squared, l1):
    """The primal objective (see the module docstring) at weights ``w``.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of {-1, +1}
    cost : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features + 1,)
        The last entry is the bias weight.
    bias : float
    squared, l1 : bool

    Returns
    -------
    value : float
    """
    margin = 1.0 - y * (X @ w[:-1] + bias * w[-1])
    xi = np.maximum(margin, 0.0)
    loss = float(cost @ (xi * xi if squared else xi))
    penalty = float(np.abs(w).sum()) if l1 else 0.5 * float(w @ w)
    return loss + penalty


def l1_squared_hinge(design, y, cost, *, bias, max_iter, tol):
    """Solve the L1-penalised squared-hinge problem by FISTA with restarts.

    The objective is divided by ``sum(cost)`` (same minimiser) so step sizes
    do not depend on C. The bias weight is penalised as in liblinear.
    Stops when the gradient mapping has shrunk below ``tol / 10`` times its
    first value: liblinear's relative criterion, a tenth tighter because
    the gradient mapping of a first-order method is a weaker certificate
    than coordinate descent's; with it the default ``tol`` lands as close
    to the optimum as liblinear does (on breast cancer, objective within
    2e-7 relative, liblinear 1e-5).

    The iterate holds the intercept ``bias * w_b`` in place of ``w_b`` (the
    bias feature becomes 1, its L1 weight ``1 / bias``): the same problem,
    but a large ``intercept_scaling`` no longer makes the bias column
    dominate the Lipschitz constant and stall the iterations (liblinear's
    coordinate descent is insensitive to a column's scale).

    Parameters
    ----------
    design : skdl.linear_model._losses.Design
        X, dense or sparse CSR, on the device.
    y, cost : tensors of shape (n_samples,)
    bias : float
    max_iter : int
    tol : float

    Returns
    -------
    w : tensor of shape (n_features + 1,)
    n_iter : int
    converged : bool
    """
    scale = cost / cost.sum()
    n_features = design.shape[1]
    dtype, device = y.dtype, y.device
    l1 = torch.full((n_features + 1,), float(1.0 / cost.sum()), dtype=dtype, device=device)
    unit_bias = 1.0 if bias > 0 else 0.0
    if bias > 0:
        l1[-1] /= bias

    def smooth(w, with_grad):
        margin = 1.0 - y * (design.matmul(w[None, :-1])[:, 0] + unit_bias * w[-1])
        xi = margin.clamp(min=0)
        value = float(scale @ (xi * xi))
        if not with_grad:
            return value, None
        d = -2.0 * scale * xi * y
        grad = torch.empty_like(w)
        grad[:-1] = design.rmatmul(d[:, None])[0]
        grad[-1] = unit_bias * d.sum()
        return value, grad

    def prox(v, step):
        return torch.sign(v) * torch.clamp(v.abs() - step * l1, min=0)

    w = torch.zeros(n_features + 1, dtype=dtype, device=device)
    z, t, L = w, 1.0, 1.0
    first, converged, n_iter = None, False, 0
    for n_iter in range(1, max_iter + 1):
        f_z, g_z = smooth(z, True)
        while True:
            w_new = prox(z - g_z / L, 1.0 / L)
            d = w_new - z
            f_new, _ = smooth(w_new, False)
            if f_new <= f_z + float(g_z @ d) + 0.5 * L * float(d @ d) + 1e-15 * abs(f_z) or L > 1e30:
                break
            L *= 2.0
        residual = L * float(d.abs().max())
        first = residual if first is None else first
        uphill = float((z - w_new) @ (w_new - w)) > 0
        t_new = 1.0 if uphill else 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
        z = w_new + ((t - 1.0) / t_new) * (w_new - w)
        w, t = w_new, t_new
        L *= 0.9
        if residual <= 0.1 * tol * first:
            converged = True
            break
    if bias > 0:
        w = torch.cat([w[:-1], w[-1:] / bias])
    return w, n_iter, converged


def l2_squared_hinge_newton(design, y, cost, *, bias, max_iter, tol):
    """Solve the L2-penalised squared-hinge problem by primal Newton-CG.

    The objective is piecewise quadratic and once differentiable; its
    generalised Hessian ``I + 2 X_A^T diag(c_A) X_A`` (``A`` the samples
    inside the margin) is applied to vectors, never formed, and the Newton
    system is solved by conjugate gradient to relative accuracy 0.1, then an
    Armijo line search follows (a truncated Newton method, as liblinear's
    primal solver). Stops when ``||grad|| <= tol * max(min(n_pos, n_neg), 1) /
    n * ||grad_0||``, liblinear's criterion. Runs on the device of the
    tensors, dense or sparse X.

    Parameters
    ----------
    design : skdl.linear_model._losses.Design
    y, cost : tensors of shape (n_samples,)
        Labels in {-1, +1} and per-sample costs.
    bias : float
    max_iter : int
    tol : float

    Returns
    -------
    w : tensor of shape (n_features + 1,)
    n_iter : int
    converged : bool
    """
    n, n_features = design.shape
    dtype, device = y.dtype, y.device

    def margins(w):
        return design.matmul(w[None, :-1])[:, 0] + bias * w[-1]

    def value_grad(w):
        xi = (1.0 - y * margins(w)).clamp(min=0)
        value = 0.5 * float(w @ w) + float(cost @ (xi * xi))
        d = -2.0 * cost * xi * y
        grad = w.clone()
        grad[:-1] += design.rmatmul(d[:, None])[0]
        grad[-1] += bias * d.sum()
        return value, grad, xi > 0

    def hess_vec(active_cost, v):
        u = active_cost * (design.matmul(v[None, :-1])[:, 0] + bias * v[-1])
        out = v.clone()
        out[:-1] += 2.0 * design.rmatmul(u[:, None])[0]
        out[-1] += 2.0 * bias * u.sum()
        return out

    n_pos = int((y > 0).sum())
    rel = tol * max(min(n_pos, n - n_pos), 1) / n
    w = torch.zeros(n_features + 1, dtype=dtype, device=device)
    value, grad, active = value_grad(w)
    g0 = float(grad.norm())
    n_iter, converged = 0, False
    for n_iter in range(1, max_iter + 1):
        if float(grad.norm()) <= rel * g0:
            converged = True
            n_iter -= 1
            break
        active_cost = cost * active
        # Conjugate gradient on H s = -grad.
        s = torch.zeros_like(w)
        r = -grad
        p = r.clone()
        rr = float(r @ r)
        stop = (0.1 * float(grad.norm())) ** 2
        for _ in range(n_features + 1):
            Hp = hess_vec(active_cost, p)
            step = rr / float(p @ Hp)
            s += step * p
            r -= step * Hp
            rr_new = float(r @ r)
            if rr_new <= stop:
                break
            p = r + (rr_new / rr) * p
            rr = rr_new
        slope = float(grad @ s)
        t = 1.0
        while True:
            new_value, new_grad, new_active = value_grad(w + t * s)
            if new_value <= value + 0.01 * t * slope or t < 1e-10:
                break
            t *= 0.5
        w = w + t * s
        value, grad, active = new_value, new_grad, new_active
    else:
        converged = float(grad.norm()) <= rel * g0
    return w, n_iter, converged


# Crammer and Singer's multi-class SVM.
#
# Primal, with K classes, weight rows w_m (the last entry of each the bias weight):
#     min_W  1/2 sum_m ||w_m||^2 + sum_i c_i max_m (e_im + w_m . x_i - w_{y_i} . x_i)
# with e_im = 0 if m = y_i else 1. Its dual, in liblinear's sign convention:
#     min_alpha  1/2 sum_m ||sum_i alpha_im x_i||^2 + sum_i sum_m e_im alpha_im
#     s.t.  alpha_im <= c_i [m = y_i],  sum_m alpha_im = 0  for every i,
# and w_m = sum_i alpha_im x_i. One coordinate block is one sample's K duals.


@njit(cache=True, nogil=True, error_model="numpy")
def _crammer_singer_subproblem(A, B, y_position, cost, active, alpha_new, D):
    """Solve one sample's block exactly (Keerthi et al. 2008, Crammer & Singer 2001).

    min_a  A/2 ||a||^2 + B . a  s.t.  a_m <= cost [m = y],  sum_m a_m = 0,
    over the ``active`` first entries. The KKT point is
    ``a_m = min(bound_m, (beta - B_m) / A)`` with ``beta`` the root of
    ``sum_m a_m = 0``, found by scanning ``D = B + A bound`` sorted in
    decreasing order (``D`` is scratch space).
    """
    for r in range(active):
        D[r] = B[r]
    if y_position < active:
        D[y_position] += A * cost
    # Insertion sort, decreasing: a block has as many entries as classes (few).
    for r in range(1, active):
        value = D[r]
        q = r - 1
        while q >= 0 and D[q] < value:
            D[q + 1] = D[q]
            q -= 1
        D[q + 1] = value
    beta = D[0] - A * cost
    r = 1
    while r < active and beta < r * D[r]:
        beta += D[r]
        r += 1
    beta /= r
    for r in range(active):
        bound = cost if r == y_position else 0.0
        alpha_new[r] = min(bound, (beta - B[r]) / A)


@njit(cache=True, nogil=True, error_model="numpy")
def _crammer_singer_cd(dense, X, indptr, indices, data, y, cost, bias, max_iter, eps, seed, W, alpha):
    """Dual block coordinate descent for Crammer-Singer, liblinear's Solver_MCSVM_CS.

    Updates ``W`` (n_features + 1, n_classes; the last row the bias weights)
    and ``alpha`` (n_samples, n_classes) in place; rows of X are read through
    ``_row`` (dense or CSR). Shrinking as liblinear: within a sample, a dual
    at its bound whose gradient is below the smallest free one leaves the
    block; a sample with at most one dual left leaves the pass; the pass
    restarts from everything when the largest violation drops below a
    shrinking tolerance that halves down to ``eps``. Returns the number of
    passes.
    """
    n = y.shape[0]
    n_features, n_classes = W.shape[0] - 1, W.shape[1]
    all_columns = np.arange(n_features)
    qd = np.empty(n)
    order = np.empty((n, n_classes), dtype=np.int64)  # block entry -> class
    y_position = np.empty(n, dtype=np.int64)  # where y_i sits in the block
    block_size = np.full(n, n_classes)
    for i in range(n):
        cols, vals = _row(dense, X, indptr, indices, data, i, all_columns)
        sq = bias * bias
        for t in range(cols.shape[0]):
            sq += vals[t] * vals[t]
        qd[i] = sq
        for m in range(n_classes):
            order[i, m] = m
        y_position[i] = y[i]
    G = np.empty(n_classes)
    B = np.empty(n_classes)
    alpha_new = np.empty(n_classes)
    scratch = np.empty(n_classes)
    changed_class = np.empty(n_classes, dtype=np.int64)
    changed_step = np.empty(n_classes)
    index = np.arange(n)
    active = n
    eps_shrink = max(10.0 * eps, 1.0)
    start_from_all = True
    state = seed
    n_iter = 0
    while n_iter < max_iter:
        stopping = -np.inf
        state = _shuffle_active(index, active, state)
        s = 0
        while s < active:
            i = index[s]
            A = qd[i]
            if A <= 0.0:
                s += 1
                continue
            size, yp, c_i = block_size[i], y_position[i], cost[i]
            # Gradient of the block: e_im + w_m . x_i, each a sum kept in a register.
            cols, vals = _row(dense, X, indptr, indices, data, i, all_columns)
            for m in range(size):
                k = order[i, m]
                score = W[n_features, k] * bias
                for t in range(cols.shape[0]):
                    score += W[cols[t], k] * vals[t]
                G[m] = score if m == yp else score + 1.0
            min_g, max_g = np.inf, -np.inf
            for m in range(size):
                if alpha[i, order[i, m]] < 0.0 and G[m] < min_g:
                    min_g = G[m]
                if G[m] > max_g:
                    max_g = G[m]
            if yp < size and alpha[i, y[i]] < c_i and G[yp] < min_g:
                min_g = G[yp]
            # Shrink the block: move duals at their bound with G below min_g to its end.
            m = 0
            while m < size:
                bound = c_i if m == yp else 0.0
                if alpha[i, order[i, m]] == bound and G[m] < min_g:
                    size -= 1
                    while size > m:
                        bound = c_i if size == yp else 0.0
                        if not (alpha[i, order[i, size]] == bound and G[size] < min_g):
                            order[i, m], order[i, size] = order[i, size], order[i, m]
                            G[m], G[size] = G[size], G[m]
                            if yp == size:
                                yp = m
                            elif yp == m:
                                yp = size
                            break
                        size -= 1
                m += 1
            block_size[i], y_position[i] = size, yp
            if size <= 1:
                active -= 1
                index[s], index[active] = index[active], index[s]
                continue
            if max_g - min_g <= 1e-12:
                s += 1
                continue
            stopping = max(stopping, max_g - min_g)
            for m in range(size):
                B[m] = G[m] - A * alpha[i, order[i, m]]
            _crammer_singer_subproblem(A, B, yp, c_i, size, alpha_new, scratch)
            n_changed = 0
            for m in range(size):
                k = order[i, m]
                step = alpha_new[m] - alpha[i, k]
                alpha[i, k] = alpha_new[m]
                if abs(step) >= 1e-12:
                    changed_class[n_changed] = k
                    changed_step[n_changed] = step
                    n_changed += 1
            for q in range(n_changed):
                k, step = changed_class[q], changed_step[q]
                for t in range(cols.shape[0]):
                    W[cols[t], k] += step * vals[t]
                W[n_features, k] += step * bias
            s += 1
        n_iter += 1
        if stopping < eps_shrink:
            if stopping < eps and start_from_all:
                break
            active = n
            block_size[:] = n_classes
            eps_shrink = max(eps_shrink / 2.0, eps)
            start_from_all = True
        else:
            start_from_all = False
    return n_iter


def crammer_singer_cd(X, y, cost, n_classes, *, bias, max_iter, tol, seed):
    """Solve Crammer and Singer's multi-class SVM by dual coordinate descent.

    Parameters
    ----------
    X : ndarray (C-contiguous float64) or scipy CSR matrix
    y : ndarray of shape (n_samples,)
        Class indices in ``0 .. n_classes - 1``.
    cost : ndarray of shape (n_samples,)
        Positive per-sample costs ``c_i``.
    n_classes : int
    bias : float
        Value of the constant bias feature (0 for no intercept).
    max_iter : int
    tol : float
        Stop when the largest violation of the optimality conditions over a
        pass on all samples is below ``tol``.
    seed : int
        Seeds the order of the samples.

    Returns
    -------
    W : ndarray of shape (n_classes, n_features + 1)
        One weight row per class, the last entry the bias weight.
    n_iter : int
    """
    W = np.zeros((X.shape[1] + 1, n_classes))
    alpha = np.zeros((X.shape[0], n_classes))
    n_iter = _crammer_singer_cd(
        *row_arrays(X),
        np.asarray(y, dtype=np.int64),
        np.asarray(cost, dtype=np.float64),
        float(bias),
        int(max_iter),
        float(tol),
        int(seed),
        W,
        alpha,
    )
    return np.ascontiguousarray(W.T), n_iter


def crammer_singer_objective(X, y, cost, W, *, bias):
    """Crammer and Singer's primal objective at weights ``W``.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Class indices.
    cost : ndarray of shape (n_samples,)
    W : ndarray of shape (n_classes, n_features + 1)
        The last column holds the bias weights.
    bias : float

    Returns
    -------
    value : float
    """
    scores = np.asarray(X @ W[:, :-1].T) + bias * W[:, -1]
    rows = np.arange(len(y))
    margins = scores + 1.0
    margins[rows, y] -= 1.0
    loss = margins.max(axis=1) - scores[rows, y]
    return float(cost @ loss) + 0.5 * float((W * W).sum())
