"""liblinear's three logistic-regression solvers, for ``solver="liblinear"``.

liblinear solves a binary problem with labels ``y_i`` in {-1, +1}, per-sample
costs ``c_i`` (``C`` times the sample and class weights) and the intercept as
an extra constant feature of value ``B = intercept_scaling`` whose weight is
penalised like the others (so, unlike the other solvers, the intercept is
regularised)::

    L2:  min_w  1/2 ||w||^2 + sum_i c_i log(1 + exp(-y_i w . x_i))
    L1:  min_w  |w|_1       + sum_i c_i log(1 + exp(-y_i w . x_i))

- L2, ``dual=False``: trust-region Newton (Lin, Weng and Keerthi, 2008), the
  trust-region step solved by Steihaug's conjugate gradient on
  Hessian-vector products (:func:`tron`).
- L2, ``dual=True``: coordinate descent on the dual (Yu, Huang and Lin,
  2011), each coordinate's one-variable problem solved by Newton's method
  (:func:`dual_cd`, numba).
- L1: newGLMNET (Yuan, Ho and Lin, 2012): Newton steps whose quadratic model
  plus ``|w|_1`` is minimised by cyclic coordinate descent, then a line
  search (:func:`l1_newglmnet`, numba).

The stopping rules are liblinear's with ``eps = tol``.
"""

import math

import numpy as np
import scipy.sparse as sp
from numba import njit

from ..utils._random import rand_r
from ._sag import _row, row_arrays


def augmented(X, bias):
    """X with liblinear's constant bias column (``bias <= 0``: no column)."""
    if bias <= 0:
        return X
    if sp.issparse(X):
        return sp.hstack([X, np.full((X.shape[0], 1), bias)], format="csr")
    return np.hstack([X, np.full((X.shape[0], 1), bias, dtype=np.float64)])


def objective(X, y, cost, w, *, l1):
    """liblinear's primal objective of ``w`` (X already augmented)."""
    margins = y * (X @ w)
    loss = cost @ np.logaddexp(0.0, -margins)
    return loss + (np.abs(w).sum() if l1 else 0.5 * w @ w)


def _stopping_scale(y, tol):
    """liblinear's primal tolerance factor ``eps max(min(n_pos, n_neg), 1) / n``."""
    n_pos = int((y > 0).sum())
    return tol * max(min(n_pos, y.shape[0] - n_pos), 1) / y.shape[0]


def tron(X, y, cost, *, tol, max_iter):
    """Trust-region Newton on the L2 primal; returns ``(w, n_iter)``."""
    eta0, eta1, eta2 = 1e-4, 0.25, 0.75
    sigma1, sigma2, sigma3 = 0.25, 0.5, 4.0
    w = np.zeros(X.shape[1])

    def fun_grad(w):
        z = y * (X @ w)
        value = cost @ np.logaddexp(0.0, -z) + 0.5 * w @ w
        sigma = 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free sigmoid
        grad = w + X.T @ (cost * (sigma - 1.0) * y)
        return value, grad, cost * sigma * (1.0 - sigma)

    def hess_vec(curvature, v):
        return v + X.T @ (curvature * (X @ v))

    def steihaug(curvature, g, delta):
        # Conjugate gradient for H s = -g inside ||s|| <= delta (liblinear's trcg).
        s = np.zeros_like(g)
        r = -g
        d = r.copy()
        rr = r @ r
        cg_tol = 0.1 * math.sqrt(g @ g)
        while math.sqrt(rr) > cg_tol:
            Hd = hess_vec(curvature, d)
            alpha = rr / (d @ Hd)
            s_new = s + alpha * d
            if math.sqrt(s_new @ s_new) > delta:
                # Step to the boundary along d.
                sd, dd, ss = s @ d, d @ d, s @ s
                rad = math.sqrt(sd * sd + dd * (delta * delta - ss))
                alpha = (delta * delta - ss) / (sd + rad) if sd >= 0 else (rad - sd) / dd
                s = s + alpha * d
                r = r - alpha * Hd
                break
            s = s_new
            r = r - alpha * Hd
            rr_new = r @ r
            d = r + (rr_new / rr) * d
            rr = rr_new
        return s, r

    f, g, curvature = fun_grad(w)
    gnorm0 = gnorm = math.sqrt(g @ g)
    delta = gnorm
    eps = _stopping_scale(y, tol)
    n_iter = 1
    while n_iter <= max_iter and gnorm > eps * gnorm0:
        s, r = steihaug(curvature, g, delta)
        w_new = w + s
        gs = g @ s
        predicted = -0.5 * (gs - s @ r)
        f_new, g_new, curvature_new = fun_grad(w_new)
        actual = f - f_new
        snorm = math.sqrt(s @ s)
        if n_iter == 1:
            delta = min(delta, snorm)
        alpha = sigma3 if f_new - f - gs <= 0 else max(sigma1, -0.5 * (gs / (f_new - f - gs)))
        if actual < eta0 * predicted:
            delta = min(alpha * snorm, sigma2 * delta)
        elif actual < eta1 * predicted:
            delta = max(sigma1 * delta, min(alpha * snorm, sigma2 * delta))
        elif actual < eta2 * predicted:
            delta = max(sigma1 * delta, min(alpha * snorm, sigma3 * delta))
        else:
            delta = max(delta, min(alpha * snorm, sigma3 * delta))
        if actual > eta0 * predicted:
            n_iter += 1
            w, f, g, curvature = w_new, f_new, g_new, curvature_new
            gnorm = math.sqrt(g @ g)
        if abs(actual) <= 1e-12 * abs(f) and abs(predicted) <= 1e-12 * abs(f):
            break  # no progress possible in floating point
    return w, n_iter - 1


@njit(cache=True, nogil=True)
def _dual_cd_kernel(dense, X, indptr, indices, data, y, cost, max_iter, eps, seed, w):
    """liblinear's solve_l2r_lr_dual; updates ``w``, returns the iterations run."""
    n = y.shape[0]
    n_features = w.shape[0]
    all_columns = np.arange(n_features)
    alpha = np.empty(2 * n)
    sq_norm = np.empty(n)
    order = np.arange(n)
    for i in range(n):
        alpha[2 * i] = min(0.001 * cost[i], 1e-8)
        alpha[2 * i + 1] = cost[i] - alpha[2 * i]
        cols, vals = _row(dense, X, indptr, indices, data, i, all_columns)
        total = 0.0
        for t in range(cols.shape[0]):
            total += vals[t] * vals[t]
            w[cols[t]] += y[i] * alpha[2 * i] * vals[t]
        sq_norm[i] = total
    inner_eps = 1e-2
    inner_eps_min = min(1e-8, eps)
    state = seed
    n_iter = 0
    while n_iter < max_iter:
        for i in range(n):
            state = rand_r(state)
            j = i + state % (n - i)
            order[i], order[j] = order[j], order[i]
        newton_iter = 0
        g_max = 0.0
        for s in range(n):
            i = order[s]
            c = cost[i]
            if c <= 0:
                continue
            cols, vals = _row(dense, X, indptr, indices, data, i, all_columns)
            ywx = 0.0
            for t in range(cols.shape[0]):
                ywx += vals[t] * w[cols[t]]
            ywx *= y[i]
            a = sq_norm[i]
            first, second, sign = 2 * i, 2 * i + 1, 1.0
            if 0.5 * a * (alpha[second] - alpha[first]) + ywx < 0:
                first, second, sign = 2 * i + 1, 2 * i, -1.0
            alpha_old = alpha[first]
            z = alpha_old
            if c - z < 0.5 * c:
                z = 0.1 * z
            gp = a * (z - alpha_old) + sign * ywx + math.log(z / (c - z))
            g_max = max(g_max, abs(gp))
            inner = 0
            while inner <= 100:
                if abs(gp) < inner_eps:
                    break
                gpp = a + c / (c - z) / z
                trial = z - gp / gpp
                z = 0.1 * z if trial <= 0 else trial
                gp = a * (z - alpha_old) + sign * ywx + math.log(z / (c - z))
                newton_iter += 1
                inner += 1
            if inner > 0:
                alpha[first] = z
                alpha[second] = c - z
                step = sign * (z - alpha_old) * y[i]
                for t in range(cols.shape[0]):
                    w[cols[t]] += step * vals[t]
        n_iter += 1
        if g_max < eps:
            break
        if newton_iter <= n // 10:
            inner_eps = max(inner_eps_min, 0.1 * inner_eps)
    return n_iter


def dual_cd(X, y, cost, *, tol, max_iter, seed):
    """Dual coordinate descent for the L2 problem; returns ``(w, n_iter)``."""
    w = np.zeros(X.shape[1])
    n_iter = _dual_cd_kernel(*row_arrays(X), y, cost, int(max_iter), float(tol), int(seed), w)
    return w, n_iter


@njit(cache=True, nogil=True)
def _newglmnet_kernel(dense, XT, indptr, indices, data, y, cost, max_iter, eps, w):
    """newGLMNET on the columns of X (the rows of ``XT``); updates ``w``."""
    n_features = w.shape[0]
    n = y.shape[0]
    all_rows = np.arange(n)
    margin = np.zeros(n)  # y_i w . x_i
    delta_margin = np.zeros(n)  # y_i d . x_i
    curvature = np.empty(n)
    dloss = np.empty(n)
    grad = np.empty(n_features)
    hdiag = np.empty(n_features)
    d = np.empty(n_features)
    g_norm0 = -1.0
    inner_eps = 0.0
    n_iter = 0
    while n_iter < max_iter:
        for i in range(n):
            sigma = (
                1.0 / (1.0 + math.exp(-margin[i]))
                if margin[i] >= 0
                else (math.exp(margin[i]) / (1.0 + math.exp(margin[i])))
            )
            dloss[i] = cost[i] * (sigma - 1.0) * y[i]
            curvature[i] = cost[i] * sigma * (1.0 - sigma)
        g_norm = 0.0
        for j in range(n_features):
            rows, vals = _row(dense, XT, indptr, indices, data, j, all_rows)
            gj = 0.0
            hj = 1e-12
            for t in range(rows.shape[0]):
                gj += dloss[rows[t]] * vals[t]
                hj += curvature[rows[t]] * vals[t] * vals[t]
            grad[j] = gj
            hdiag[j] = hj
            if w[j] > 0:
                g_norm += abs(gj + 1.0)
            elif w[j] < 0:
                g_norm += abs(gj - 1.0)
            else:
                g_norm += max(abs(gj) - 1.0, 0.0)
        if g_norm0 < 0:
            g_norm0 = g_norm
            inner_eps = 0.25 * g_norm0
        if g_norm <= eps * g_norm0:
            break
        # Coordinate descent on the quadratic model plus |w + d|_1.
        for j in range(n_features):
            d[j] = 0.0
        for i in range(n):
            delta_margin[i] = 0.0
        inner_passes = 0
        while inner_passes < 100:
            inner_passes += 1
            violation = 0.0
            for j in range(n_features):
                rows, vals = _row(dense, XT, indptr, indices, data, j, all_rows)
                G = grad[j]
                for t in range(rows.shape[0]):
                    G += curvature[rows[t]] * vals[t] * y[rows[t]] * delta_margin[rows[t]]
                H = hdiag[j]
                wd = w[j] + d[j]
                if G + 1.0 <= H * wd:
                    z = -(G + 1.0) / H
                elif G - 1.0 >= H * wd:
                    z = -(G - 1.0) / H
                else:
                    z = -wd
                if wd > 0:
                    violation += abs(G + 1.0)
                elif wd < 0:
                    violation += abs(G - 1.0)
                else:
                    violation += max(abs(G) - 1.0, 0.0)
                if abs(z) < 1e-12:
                    continue
                if G + 1.0 > H * wd and G - 1.0 < H * wd:
                    # Land exactly on zero (w + d == 0 in floating point too).
                    z = -w[j] - d[j]
                    d[j] = -w[j]
                else:
                    d[j] += z
                for t in range(rows.shape[0]):
                    delta_margin[rows[t]] += z * vals[t] * y[rows[t]]
            if violation <= inner_eps:
                break
        if inner_passes == 1:
            inner_eps *= 0.25
        # Armijo line search on F(w + t d).
        decrease = 0.0
        l1_old = 0.0
        l1_new = 0.0
        for j in range(n_features):
            decrease += grad[j] * d[j]
            l1_old += abs(w[j])
            l1_new += abs(w[j] + d[j])
        decrease += l1_new - l1_old
        loss_old = 0.0
        for i in range(n):
            loss_old += cost[i] * (max(-margin[i], 0.0) + math.log1p(math.exp(-abs(margin[i]))))
        t = 1.0
        for _ in range(20):
            loss_new = 0.0
            for i in range(n):
                m = margin[i] + t * delta_margin[i]
                loss_new += cost[i] * (max(-m, 0.0) + math.log1p(math.exp(-abs(m))))
            l1_t = 0.0
            for j in range(n_features):
                l1_t += abs(w[j] + t * d[j])
            if loss_new + l1_t - loss_old - l1_old <= 0.01 * t * decrease:
                break
            t *= 0.5
        changed = False
        for j in range(n_features):
            new = 0.0 if t == 1.0 and d[j] == -w[j] else w[j] + t * d[j]
            changed = changed or new != w[j]
            w[j] = new
        for i in range(n):
            margin[i] += t * delta_margin[i]
        n_iter += 1
        if not changed:
            # The step no longer changes w in floating point: converged to rounding
            # (a large intercept_scaling keeps the gradient norm above eps otherwise).
            break
    return n_iter


def l1_newglmnet(X, y, cost, *, tol, max_iter):
    """newGLMNET for the L1 problem; returns ``(w, n_iter)``."""
    XT = X.T.tocsr() if sp.issparse(X) else np.ascontiguousarray(X.T)
    w = np.zeros(X.shape[1])
    n_iter = _newglmnet_kernel(*row_arrays(XT), y, cost, int(max_iter), float(_stopping_scale(y, tol)), w)
    return w, n_iter


def fit(X, y, cost, *, l1, dual, bias, tol, max_iter, seed):
    """Solve the binary problem; returns ``(coef, intercept, n_iter)``.

    ``y`` holds {-1, +1}; ``bias <= 0`` means no intercept.
    """
    Xa = augmented(X, bias)
    if l1:
        w, n_iter = l1_newglmnet(Xa, y, cost, tol=tol, max_iter=max_iter)
    elif dual:
        w, n_iter = dual_cd(Xa, y, cost, tol=tol, max_iter=max_iter, seed=seed)
    else:
        w, n_iter = tron(Xa, y, cost, tol=tol, max_iter=max_iter)
    if bias > 0:
        return w[:-1], bias * w[-1], n_iter
    return w, 0.0, n_iter
