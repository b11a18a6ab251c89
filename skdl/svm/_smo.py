"""Sequential Minimal Optimization for the dual of a binary soft-margin SVM.

The problem, libsvm's C-SVC dual, with labels ``y_i`` in {-1, +1}, per-sample
bounds ``C_i`` and ``Q_ij = y_i y_j k(x_i, x_j)``::

    min_alpha  f(alpha) = 1/2 alpha^T Q alpha - e^T alpha
    s.t.       y^T alpha = 0,   0 <= alpha_i <= C_i

Its gradient is ``G = Q alpha - e``. With ``I_up = {t: y_t = +1, alpha_t < C_t
or y_t = -1, alpha_t > 0}`` and ``I_low`` the mirror set, ``alpha`` is optimal
when ``m(alpha) - M(alpha) <= tol`` where ``m = max_{I_up} -y_t G_t`` and
``M = min_{I_low} -y_t G_t`` (libsvm's stopping rule, so ``tol`` means what it
means in scikit-learn). Each SMO step picks a pair by libsvm's second-order
working-set selection (WSS2, Fan, Chen and Lin, 2005): ``i`` maximises
``-y_i G_i`` over ``I_up``, ``j`` the decrease of ``f`` of the two-variable
step with ``i``; the step is solved in closed form and clipped to the box.

Two solvers, one algorithm, sharing the working-set selection
(:func:`select_i`, :func:`select_j`), the pair step and the offset here:

- :func:`skdl.svm._smo_cache.solve_cached` (CPU): libsvm's solver, with
  shrinking (variables that sit at a bound and would stay there leave the
  active set for a while) and an LRU cache of kernel rows bounded by
  ``cache_size`` MB; in its own module (it is most of the code).
- :func:`solve_blocked` (GPU, or forced in tests): selects a working set of
  many violating variables, computes their kernel rows as one matrix product
  on the device, solves that subproblem with the numba pair loop on the CPU
  (:func:`_smo_dense`), and updates the whole gradient with one more product.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch
from numba import njit

from .._device import to_numpy, to_tensor

# Variable status, as libsvm's alpha_status.
_LOWER, _UPPER, _FREE = 0, 1, 2
# libsvm's TAU: the curvature used when a pair's curvature is not positive.
TAU = 1e-12


@dataclass
class Solution:
    """The solution of one binary problem.

    Attributes
    ----------
    alpha : ndarray of shape (n,)
        Dual variables, ``0 <= alpha_i <= C_i``.
    rho : float
        The decision function is ``sum_i alpha_i y_i k(x_i, x) - rho``.
    objective : float
        ``1/2 alpha^T Q alpha - e^T alpha``.
    n_iter : int
        Pair updates made.
    converged : bool
        False when the solver stopped before ``m - M < tol``.
    stalled : bool, default=False
        True when the solver stopped because it could not make progress (a
        working set of the blocked solver in which no pair moved), not
        because of ``max_iter``.
    """

    alpha: np.ndarray
    rho: float
    objective: float
    n_iter: int
    converged: bool
    stalled: bool = False


# ----------------------------------------------------------------- shared pieces


@njit(cache=True, nogil=True)
def _pair_step(y_i, y_j, G_i, G_j, a_i, a_j, C_i, C_j, QD_i, QD_j, Q_ij):
    """The two-variable step of libsvm: new ``(alpha_i, alpha_j)``.

    Minimises ``f`` along the feasible direction of the pair (it keeps
    ``y_i alpha_i + y_j alpha_j`` constant) and clips to the box.
    """
    if y_i != y_j:
        quad = QD_i + QD_j + 2.0 * Q_ij
        if quad <= 0.0:
            quad = TAU
        delta = (-G_i - G_j) / quad
        diff = a_i - a_j
        a_i += delta
        a_j += delta
        if diff > 0.0:
            if a_j < 0.0:
                a_j = 0.0
                a_i = diff
        else:
            if a_i < 0.0:
                a_i = 0.0
                a_j = -diff
        if diff > C_i - C_j:
            if a_i > C_i:
                a_i = C_i
                a_j = C_i - diff
        else:
            if a_j > C_j:
                a_j = C_j
                a_i = C_j + diff
    else:
        quad = QD_i + QD_j - 2.0 * Q_ij
        if quad <= 0.0:
            quad = TAU
        delta = (G_i - G_j) / quad
        total = a_i + a_j
        a_i -= delta
        a_j += delta
        if total > C_i:
            if a_i > C_i:
                a_i = C_i
                a_j = total - C_i
        else:
            if a_j < 0.0:
                a_j = 0.0
                a_i = total
        if total > C_j:
            if a_j > C_j:
                a_j = C_j
                a_i = total - C_j
        else:
            if a_i < 0.0:
                a_i = 0.0
                a_j = total
    return a_i, a_j


@njit(cache=True, nogil=True)
def _status_of(a, C):
    if a >= C:
        return _UPPER
    if a <= 0.0:
        return _LOWER
    return _FREE


@njit(cache=True, nogil=True)
def select_i(y, G, status, n):
    """First index of WSS2: ``i = argmax_{t in I_up} -y_t G_t`` over ``0 .. n - 1``.

    Returns ``(i, m)`` with ``m`` the maximum (``(-1, -inf)`` when ``I_up``
    is empty). Ties go to the last index, as in libsvm (``>=``).
    """
    m = -np.inf
    i = -1
    for t in range(n):
        if y[t] > 0:
            if status[t] != _UPPER and -G[t] >= m:
                m = -G[t]
                i = t
        elif status[t] != _LOWER and G[t] >= m:
            m = G[t]
            i = t
    return i, m


@njit(cache=True, nogil=True)
def select_j(y, G, status, QD, Q_i, i, m, n):
    """Second index of WSS2: the ``j`` of ``I_low`` whose pair step with ``i``
    decreases ``f`` most (Fan, Chen and Lin's second-order rule).

    ``Q_i`` is row ``i`` of ``Q`` (read for positions ``0 .. n - 1``; unused
    when ``i < 0``), ``m`` the value :func:`select_i` returned. Returns
    ``(j, minus_M)`` with ``minus_M = max_{I_low} y_t G_t``: the problem is
    optimal to ``tol`` when ``m + minus_M < tol`` (or ``j == -1``).
    """
    minus_M = -np.inf
    j = -1
    obj_diff_min = np.inf
    y_i = y[i] if i >= 0 else 0.0
    QD_i = QD[i] if i >= 0 else 0.0
    for t in range(n):
        if y[t] > 0:
            if status[t] == _LOWER:
                continue
            grad_diff = m + G[t]
            if G[t] >= minus_M:
                minus_M = G[t]
            quad_sign = -1.0
        else:
            if status[t] == _UPPER:
                continue
            grad_diff = m - G[t]
            if -G[t] >= minus_M:
                minus_M = -G[t]
            quad_sign = 1.0
        if i >= 0 and grad_diff > 0.0:
            quad = QD_i + QD[t] + quad_sign * 2.0 * y_i * Q_i[t]
            obj_diff = -(grad_diff * grad_diff) / (quad if quad > 0.0 else TAU)
            if obj_diff <= obj_diff_min:
                j = t
                obj_diff_min = obj_diff
    return j, minus_M


def calculate_rho(y, G, alpha, C):
    """libsvm's offset: the mean of ``y_t G_t`` over free variables, else the
    midpoint of the interval the bounded ones allow.

    Parameters
    ----------
    y, G, alpha, C : ndarray of shape (n,)

    Returns
    -------
    rho : float
    """
    yG = y * G
    upper = alpha >= C
    lower = (alpha <= 0) & ~upper
    free = ~(upper | lower)
    if free.any():
        return float(yG[free].mean())
    ub_mask = (upper & (y < 0)) | (lower & (y > 0))
    lb_mask = (upper & (y > 0)) | (lower & (y < 0))
    ub = yG[ub_mask].min() if ub_mask.any() else np.inf
    lb = yG[lb_mask].max() if lb_mask.any() else -np.inf
    return float((ub + lb) / 2)


def dual_objective(alpha, G):
    """``1/2 alpha^T Q alpha - e^T alpha`` from the gradient ``G = Q alpha - e``."""
    return float(alpha @ (G - 1.0)) / 2.0


def up_low(y, alpha, C):
    """The masks of ``I_up`` and ``I_low`` (arrays or tensors).

    ``I_up``: variables whose ``y_t alpha_t`` can grow (``y_t = +1, alpha_t <
    C_t`` or ``y_t = -1, alpha_t > 0``); ``I_low``: those whose can shrink.
    """
    up = ((y > 0) & (alpha < C)) | ((y < 0) & (alpha > 0))
    low = ((y > 0) & (alpha > 0)) | ((y < 0) & (alpha < C))
    return up, low


def violation(y, G, alpha, C):
    """``m(alpha) - M(alpha)``: the stopping quantity (optimal when <= tol)."""
    minus_yG = -y * G
    up, low = up_low(y, alpha, C)
    if not up.any() or not low.any():
        return -np.inf
    return float(minus_yG[up].max() - minus_yG[low].min())


# ------------------------------------------------------ dense numba pair loop


@njit(cache=True, nogil=True)
def _smo_dense(Q, y, C, alpha, G, eps, max_iter):
    """SMO with WSS2 on a full (small) ``Q``; updates ``alpha`` and ``G`` in place.

    The subproblem solver of the blocked route. ``G`` holds the gradient of
    the whole problem restricted to these variables. Returns the number of
    pair updates; it stops when ``m - M < eps`` or after ``max_iter`` updates
    (``max_iter < 0``: no limit).
    """
    n = y.shape[0]
    QD = np.empty(n)
    status = np.empty(n, dtype=np.int64)
    for t in range(n):
        QD[t] = Q[t, t]
        status[t] = _status_of(alpha[t], C[t])
    n_iter = 0
    while max_iter < 0 or n_iter < max_iter:
        i, m = select_i(y, G, status, n)
        j, minus_M = select_j(y, G, status, QD, Q[max(i, 0)], i, m, n)
        if m + minus_M < eps or j == -1:
            break
        a_i, a_j = _pair_step(y[i], y[j], G[i], G[j], alpha[i], alpha[j], C[i], C[j], QD[i], QD[j], Q[i, j])
        d_i = a_i - alpha[i]
        d_j = a_j - alpha[j]
        for t in range(n):
            G[t] += Q[i, t] * d_i + Q[j, t] * d_j
        alpha[i] = a_i
        alpha[j] = a_j
        status[i] = _status_of(a_i, C[i])
        status[j] = _status_of(a_j, C[j])
        n_iter += 1
    return n_iter


def smo_dense(Q, y, C, alpha, G, *, tol, max_iter=-1):
    """Run the numba pair loop on a full ``Q`` (updates ``alpha``, ``G`` in place).

    Parameters
    ----------
    Q : ndarray of shape (n, n), float64
    y, C, alpha, G : ndarray of shape (n,), float64
    tol : float
    max_iter : int, default=-1
        Pair updates at most (-1: no limit).

    Returns
    -------
    n_iter : int
    """
    return int(_smo_dense(Q, y, C, alpha, G, float(tol), int(max_iter)))


# ------------------------------------------------------------- blocked solver


def _working_set(y, G, alpha, C, size, previous):
    """The gap ``m - M`` and up to ``size`` of the most violating variables.

    Fresh variables are those of ``I_up`` with the largest ``-y G`` and of
    ``I_low`` with the smallest, half from each side; after the first round
    they fill half the set and the rest is kept from the previous working set
    (ThunderSVM's rule: it damps oscillation between sets).

    Returns
    -------
    gap : float
        ``m(alpha) - M(alpha)`` (``-inf`` when a side is empty).
    index : tensor of shape (<= size,)
    """
    minus_yG = -y * G
    up, low = up_low(y, alpha, C)
    up_score = torch.where(up, minus_yG, -math.inf)
    low_score = torch.where(low, -minus_yG, -math.inf)
    n_new = size if previous is None else max(2, size // 2)
    k = min(max(1, n_new // 2), len(y))
    top_up, top_low = torch.topk(up_score, k), torch.topk(low_score, k)
    # One transfer for both extremes: m = max over I_up, M = min over I_low.
    m, minus_M = torch.stack([top_up.values[0], top_low.values[0]]).tolist()
    gap = m + minus_M if m > -math.inf and minus_M > -math.inf else -math.inf
    parts = [top.indices[top.values > -math.inf] for top in (top_up, top_low)]
    if previous is not None:
        parts.append(previous)
    chosen = torch.cat(parts)
    # Drop repeats, keeping first occurrences in order.
    unique, inverse = torch.unique(chosen, return_inverse=True)
    first = torch.full((len(unique),), len(chosen), dtype=torch.long, device=chosen.device)
    first.scatter_reduce_(0, inverse, torch.arange(len(chosen), device=chosen.device), reduce="amin")
    return gap, chosen[torch.sort(first).values][:size]


def solve_blocked(rows, y, C, *, tol, max_iter, block_size, inner_max_iter=None):
    """SMO over working sets of many variables, their kernel rows as one product.

    Each round selects ``block_size`` violating variables (:func:`_working_set`),
    computes their rows of the kernel on the device, solves the subproblem on
    those variables (the others fixed) with the numba pair loop on the CPU,
    to the tolerance ``max(tol, gap / 10)``, and updates the gradient of every
    variable with one product. It stops when the whole problem satisfies
    ``m - M < tol``, the rule of the CPU solver.

    Parameters
    ----------
    rows : TensorRows or PrecomputedTensorRows
    y, C : tensors of shape (n,) on the device
    tol : float
    max_iter : int
        Pair updates at most, summed over rounds; -1 for no limit.
    block_size : int
        Variables per working set (at least 2).
    inner_max_iter : int, default=None
        Pair updates per subproblem at most (``50 * block_size`` when None).

    Returns
    -------
    solution : Solution
    """
    n = len(y)
    dtype, device = torch.float64, y.device
    y64 = y.to(torch.float64)
    C64 = C.to(torch.float64)
    alpha = torch.zeros(n, dtype=dtype, device=device)
    G = -torch.ones(n, dtype=dtype, device=device)
    block_size = max(2, min(block_size, n))
    inner_max_iter = 50 * block_size if inner_max_iter is None else inner_max_iter
    n_iter, previous, converged, stalled = 0, None, False, False
    # The kernel rows of a working set, memory reused between rounds (row
    # sources that gather or call a user's kernel allocate their own).
    buffer = rows.empty(block_size) if rows.takes_out else None
    while True:
        gap, B = _working_set(y64, G, alpha, C64, block_size, previous)
        if gap < tol:
            converged = True
            break
        if 0 <= max_iter <= n_iter:
            break
        K_B = rows.rows(B, out=None if buffer is None else buffer[: len(B)])
        y_B = y64[B]
        Q_BB = K_B[:, B].to(torch.float64) * y_B[:, None] * y_B[None, :]
        # One transfer to the host: Q_BB, then alpha, G, y and C of the set
        # (a fresh array: the solver may write into its rows).
        host = to_numpy(torch.cat([Q_BB, torch.stack([alpha[B], G[B], y_B, C64[B]])]))
        m = len(B)
        a_old, G_B, y_np, C_np = host[m:]
        a_B = a_old.copy()
        limit = inner_max_iter if max_iter < 0 else min(inner_max_iter, max_iter - n_iter)
        steps = smo_dense(
            host[:m],
            y_np,
            C_np,
            a_B,
            G_B,
            tol=max(tol, 0.1 * gap),
            max_iter=limit,
        )
        n_iter += steps
        if steps == 0:
            # The subproblem could not move although the gap is >= tol (not
            # expected: the most violating pair is in the set); stop rather
            # than loop, and say so (not a max_iter stop).
            stalled = True
            break
        a_B_t = to_tensor(a_B, device, np.float64)
        delta = a_B_t - alpha[B]
        G += y64 * ((delta * y_B).to(K_B.dtype) @ K_B).to(torch.float64)
        alpha[B] = a_B_t
        previous = B
    alpha_np, G_np, y_np, C_np = to_numpy(torch.stack([alpha, G, y64, C64]))
    return Solution(
        alpha_np, calculate_rho(y_np, G_np, alpha_np, C_np), dual_objective(alpha_np, G_np), n_iter, converged, stalled
    )
