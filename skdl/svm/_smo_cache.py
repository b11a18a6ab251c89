"""libsvm's SMO solver on the CPU: WSS2, shrinking and a kernel-row cache.

The problem and the pair step are those of :mod:`skdl.svm._smo`. The pair
loop is a numba kernel (:func:`_advance`) that runs until it needs a kernel
row it does not hold, and returns; the driver (:func:`solve_cached`)
computes the row with one BLAS product and NumPy's vectorised ``exp``
(several times faster than libsvm's per-entry loop) and resumes it; rows of
small problems, for which that round trip costs more than the row, are
computed in the loop itself (:func:`_row_inline`). Gradient reconstruction
after shrinking is a block product.
"""

import math

import numpy as np
from numba import njit

from ._kernels import LINEAR as _LINEAR
from ._kernels import POLY as _POLY
from ._kernels import RBF as _RBF
from ._smo import (
    _FREE,
    _LOWER,
    _UPPER,
    Solution,
    _pair_step,
    _status_of,
    calculate_rho,
    dual_objective,
    select_i,
    select_j,
)

# Rows are computed inside the numba loop, entry by entry as in libsvm, when
# n_samples * (n_features + 45) is at most this: then cheaper than a return to
# the driver (~15 us) for a BLAS product and a vectorised exp (measured: an
# entry costs about 0.3 ns per feature plus 15 ns for exp in the loop).
_INLINE_WORK = 50_000

# The solver's state lives in a few arrays, so that the numba loop can return
# to the driver (for a kernel row) and resume where it stopped:
# ``variables`` (float64, one column per position, see the layout below):
# the dual variables, libsvm's gradient G and G_bar, the bounds C_i, the
# diagonal Q_ii and the labels y_i, rows:
_ALPHA, _GRAD, _GBAR, _BOUND, _DIAG, _LABEL = range(6)
# ``bookkeeping`` (int64, one column per position): the bound status, the
# sample at the position and its cache slot (-1: none), rows:
_STATUS, _SAMPLE, _SLOT = range(3)
# ``lru`` (int64, one column per cache slot, the last the list head): the
# position whose row the slot holds, how many columns it holds, the links of
# the least-recently-used list, rows:
_ROW, _LEN, _PREV, _NEXT = range(4)
# ``state`` (int64): sizes, counters, the phase of the iteration, the chosen
# pair and a pending row request, entries:
(
    _S_L,
    _S_ACTIVE_SIZE,
    _S_ITER,
    _S_COUNTER,
    _S_UNSHRINK,
    _S_PHASE,
    _S_I,
    _S_J,
    _S_REQ_ROW,
    _S_REQ_SLOT,
    _S_REQ_START,
    _S_REQ_STOP,
    _S_RESELECT,
    _S_MAX_ITER,
    _S_SHRINKING,
    _S_KERNEL,
    _S_DEGREE,
) = range(17)
_N_STATE = 17
# ``scalars`` (float64): the tolerance, the maxima of the selection and the
# shrinking, the kernel's gamma and coef0, entries:
_R_EPS, _R_GMAX, _R_GMAX1, _R_GMAX2, _R_GAMMA, _R_COEF0 = range(6)
# Phases of one iteration of the resumable solver.
_PH_START, _PH_SHRINK, _PH_SELECT, _PH_SELECT_J, _PH_UPDATE = range(5)
# What the resumable solver returns.
_DONE, _NEED_ROW, _NEED_RECONSTRUCT, _MAX_ITER = range(4)


# --------------------------------------------------- cached, shrinking solver
#
# Layout (libsvm's): every per-variable array is in "position" order; the
# active variables are positions 0 .. A - 1, and shrinking swaps a variable
# out to the end. ``bookkeeping[_SAMPLE][p]`` is the sample at position p. Cached kernel
# rows belong to a position (they move with it) and hold ``Q[p, t]`` for
# positions ``0 <= t < len``; a swap of two positions swaps those two columns
# of every cached row, applied in one batch after each shrinking pass.


@njit(cache=True, nogil=True)
def _lru_unlink(lru, s):
    p = lru[_PREV, s]
    q = lru[_NEXT, s]
    lru[_NEXT, p] = q
    lru[_PREV, q] = p


@njit(cache=True, nogil=True)
def _lru_append(lru, s):
    """Make slot ``s`` the most recently used."""
    head = lru.shape[1] - 1
    last = lru[_PREV, head]
    lru[_NEXT, last] = s
    lru[_PREV, s] = last
    lru[_NEXT, s] = head
    lru[_PREV, head] = s


@njit(cache=True, nogil=True)
def _lru_prepend(lru, s):
    """Make slot ``s`` the next to be reused."""
    head = lru.shape[1] - 1
    first = lru[_NEXT, head]
    lru[_PREV, first] = s
    lru[_NEXT, s] = first
    lru[_PREV, s] = head
    lru[_NEXT, head] = s


@njit(cache=True, nogil=True)
def _drop_row(lru, slot, p):
    """Free the cache slot of position ``p`` and make it the next to be reused."""
    s = slot[p]
    slot[p] = -1
    lru[_ROW, s] = -1
    lru[_LEN, s] = 0
    _lru_unlink(lru, s)
    _lru_prepend(lru, s)


@njit(cache=True, nogil=True)
def _lookup(p, length, lru, slot, state):
    """The cache slot holding the row of position ``p`` for ``length`` positions.

    Returns the slot, or -1 after writing a request (position, slot, first
    and last column to compute) into ``state``: the caller must return so the
    driver computes it. A row already there for fewer columns is extended.
    """
    s = slot[p]
    if s >= 0:
        _lru_unlink(lru, s)
        _lru_append(lru, s)
        if lru[_LEN, s] >= length:
            return s
        start = lru[_LEN, s]
    else:
        head = lru.shape[1] - 1
        s = lru[_NEXT, head]
        old = lru[_ROW, s]
        if old >= 0:
            slot[old] = -1
        _lru_unlink(lru, s)
        _lru_append(lru, s)
        lru[_ROW, s] = p
        slot[p] = s
        start = 0
    state[_S_REQ_ROW] = p
    state[_S_REQ_SLOT] = s
    state[_S_REQ_START] = start
    state[_S_REQ_STOP] = length
    lru[_LEN, s] = length
    return -1


@njit(cache=True, nogil=True)
def _be_shrunk(t, y, G, status, Gmax1, Gmax2):
    if status[t] == _UPPER:
        if y[t] > 0:
            return -G[t] > Gmax1
        return -G[t] > Gmax2
    if status[t] == _LOWER:
        if y[t] > 0:
            return G[t] > Gmax2
        return G[t] > Gmax1
    return False


@njit(cache=True, nogil=True)
def _swap_positions(a, b, variables, bookkeeping, X_perm, sq_perm, lru):
    """Swap two positions: every per-variable array, the data rows, the row slots."""
    for r in range(variables.shape[0]):
        variables[r, a], variables[r, b] = variables[r, b], variables[r, a]
    for r in range(bookkeeping.shape[0]):
        bookkeeping[r, a], bookkeeping[r, b] = bookkeeping[r, b], bookkeeping[r, a]
    slot = bookkeeping[_SLOT]
    if slot[a] >= 0:
        lru[_ROW, slot[a]] = a
    if slot[b] >= 0:
        lru[_ROW, slot[b]] = b
    sq_perm[a], sq_perm[b] = sq_perm[b], sq_perm[a]
    for f in range(X_perm.shape[1]):
        X_perm[a, f], X_perm[b, f] = X_perm[b, f], X_perm[a, f]


@njit(cache=True, nogil=True)
def _shrink(variables, bookkeeping, X_perm, sq_perm, cache, lru, state, scalars, swaps):
    """libsvm's shrinking pass over the active set, with the saved Gmax1, Gmax2."""
    y, G, status, slot = variables[_LABEL], variables[_GRAD], bookkeeping[_STATUS], bookkeeping[_SLOT]
    A = state[_S_ACTIVE_SIZE]
    n_slots = lru.shape[1] - 1
    # Rows covering fewer columns than the active set were computed before it
    # last grew; the swaps below would move samples across their edge: drop them.
    for s in range(n_slots):
        if lru[_ROW, s] >= 0 and lru[_LEN, s] < A:
            _drop_row(lru, slot, lru[_ROW, s])
    Gmax1, Gmax2 = scalars[_R_GMAX1], scalars[_R_GMAX2]
    n_swaps = 0
    t = 0
    while t < A:
        if _be_shrunk(t, y, G, status, Gmax1, Gmax2):
            A -= 1
            while A > t:
                if not _be_shrunk(A, y, G, status, Gmax1, Gmax2):
                    _swap_positions(t, A, variables, bookkeeping, X_perm, sq_perm, lru)
                    swaps[n_swaps, 0] = t
                    swaps[n_swaps, 1] = A
                    n_swaps += 1
                    break
                A -= 1
        t += 1
    state[_S_ACTIVE_SIZE] = A
    # The same swaps on the columns of every cached row, one row at a time.
    if n_swaps > 0:
        for s in range(n_slots):
            if lru[_ROW, s] >= 0:
                row = cache[s]
                for k in range(n_swaps):
                    a, b = swaps[k, 0], swaps[k, 1]
                    row[a], row[b] = row[b], row[a]


@njit(cache=True, nogil=True)
def _powi(base, degree):
    """``base ** degree`` by repeated squaring, libsvm's ``powi`` (see
    :func:`skdl.svm._kernels._powi_`)."""
    result = 1.0
    t = degree
    while t > 0:
        if t % 2 == 1:
            result *= base
        base *= base
        t //= 2
    return result


@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def _row_inline(X_perm, sq_perm, cache, y, state, scalars):
    """Serve the pending row request inside the loop: ``Q_rt`` entry by entry.

    Reassociation lets the dot products vectorise (their sums are then not
    in sequential order, a rounding-level difference).
    """
    r, s = state[_S_REQ_ROW], state[_S_REQ_SLOT]
    start, stop = state[_S_REQ_START], state[_S_REQ_STOP]
    kernel, degree = state[_S_KERNEL], state[_S_DEGREE]
    gamma, coef0 = scalars[_R_GAMMA], scalars[_R_COEF0]
    x_r = X_perm[r]
    sq_r = sq_perm[r]
    y_r = y[r]
    row = cache[s, start:stop]
    for k in range(stop - start):
        x_t = X_perm[start + k]
        dot = 0.0
        for f in range(x_t.shape[0]):
            dot += x_t[f] * x_r[f]
        if kernel == _RBF:
            d = sq_perm[start + k] + sq_r - 2.0 * dot
            value = math.exp(-gamma * d) if d > 0.0 else 1.0
        elif kernel == _LINEAR:
            value = dot
        elif kernel == _POLY:
            value = _powi(gamma * dot + coef0, degree)
        else:
            value = math.tanh(gamma * dot + coef0)
        row[k] = y_r * y[start + k] * value


@njit(cache=True, nogil=True)
def _advance(variables, bookkeeping, X_perm, sq_perm, cache, lru, state, scalars, swaps):
    """Run libsvm's solver until it is done or needs something from the driver.

    Every quantity lives in the arguments (see the ``_S_*``, ``_R_*`` and row
    constants), so a call resumes where the last one returned. Returns
    ``_DONE``, ``_MAX_ITER``, ``_NEED_ROW`` (compute the row described in
    ``state``) or ``_NEED_RECONSTRUCT`` (rebuild the gradient of the inactive
    variables and reset the active set to every variable). No state changes
    between a request and the resumption, so the step that asked is redone.
    """
    alpha, G, G_bar = variables[_ALPHA], variables[_GRAD], variables[_GBAR]
    C, QD, y = variables[_BOUND], variables[_DIAG], variables[_LABEL]
    status, slot = bookkeeping[_STATUS], bookkeeping[_SLOT]
    l = state[_S_L]
    eps = scalars[_R_EPS]
    while True:
        A = state[_S_ACTIVE_SIZE]
        phase = state[_S_PHASE]
        if phase == _PH_START:
            if state[_S_MAX_ITER] >= 0 and state[_S_ITER] >= state[_S_MAX_ITER]:
                return _MAX_ITER
            state[_S_COUNTER] -= 1
            state[_S_PHASE] = _PH_SELECT
            if state[_S_COUNTER] == 0:
                state[_S_COUNTER] = min(l, 1000)
                if state[_S_SHRINKING]:
                    Gmax1 = -np.inf
                    Gmax2 = -np.inf
                    for t in range(A):
                        if y[t] > 0:
                            if status[t] != _UPPER and -G[t] >= Gmax1:
                                Gmax1 = -G[t]
                            if status[t] != _LOWER and G[t] >= Gmax2:
                                Gmax2 = G[t]
                        else:
                            if status[t] != _UPPER and -G[t] >= Gmax2:
                                Gmax2 = -G[t]
                            if status[t] != _LOWER and G[t] >= Gmax1:
                                Gmax1 = G[t]
                    scalars[_R_GMAX1] = Gmax1
                    scalars[_R_GMAX2] = Gmax2
                    state[_S_PHASE] = _PH_SHRINK
                    if state[_S_UNSHRINK] == 0 and Gmax1 + Gmax2 <= eps * 10.0:
                        state[_S_UNSHRINK] = 1
                        if A < l:
                            return _NEED_RECONSTRUCT
            continue
        if phase == _PH_SHRINK:
            _shrink(variables, bookkeeping, X_perm, sq_perm, cache, lru, state, scalars, swaps)
            state[_S_PHASE] = _PH_SELECT
            continue
        if phase == _PH_SELECT:
            i, m = select_i(y, G, status, A)
            state[_S_I] = i
            scalars[_R_GMAX] = m
            state[_S_PHASE] = _PH_SELECT_J
            continue
        if phase == _PH_SELECT_J:
            i = state[_S_I]
            m = scalars[_R_GMAX]
            Q_i = cache[0]  # not read when there is no i
            if i >= 0:
                s_i = _lookup(i, A, lru, slot, state)
                if s_i < 0:
                    if state[_S_KERNEL] >= 0:
                        _row_inline(X_perm, sq_perm, cache, y, state, scalars)
                        continue
                    return _NEED_ROW
                Q_i = cache[s_i]
            j, minus_M = select_j(y, G, status, QD, Q_i, i, m, A)
            if m + minus_M < eps or j == -1:
                if A < l:
                    # Optimal on the shrunk problem: check the whole one.
                    state[_S_RESELECT] = 1
                    state[_S_PHASE] = _PH_SELECT
                    return _NEED_RECONSTRUCT
                return _DONE
            if state[_S_RESELECT] == 1:
                state[_S_RESELECT] = 0
                state[_S_COUNTER] = 1  # shrink at the next iteration
            state[_S_J] = j
            state[_S_PHASE] = _PH_UPDATE
            continue
        # _PH_UPDATE: the pair (i, j) is chosen; nothing is written until every
        # row the update needs is in the cache.
        i = state[_S_I]
        j = state[_S_J]
        s_i = _lookup(i, A, lru, slot, state)
        if s_i < 0:
            if state[_S_KERNEL] >= 0:
                _row_inline(X_perm, sq_perm, cache, y, state, scalars)
                continue
            return _NEED_ROW
        s_j = _lookup(j, A, lru, slot, state)
        if s_j < 0:
            if state[_S_KERNEL] >= 0:
                _row_inline(X_perm, sq_perm, cache, y, state, scalars)
                continue
            return _NEED_ROW
        C_i, C_j = C[i], C[j]
        a_i, a_j = _pair_step(y[i], y[j], G[i], G[j], alpha[i], alpha[j], C_i, C_j, QD[i], QD[j], cache[s_i, j])
        status_i, status_j = _status_of(a_i, C_i), _status_of(a_j, C_j)
        flip_i = (status[i] == _UPPER) != (status_i == _UPPER)
        flip_j = (status[j] == _UPPER) != (status_j == _UPPER)
        if (flip_i and _lookup(i, l, lru, slot, state) < 0) or (flip_j and _lookup(j, l, lru, slot, state) < 0):
            if state[_S_KERNEL] >= 0:
                _row_inline(X_perm, sq_perm, cache, y, state, scalars)
                continue
            return _NEED_ROW
        Q_i = cache[s_i]
        Q_j = cache[s_j]
        d_i = a_i - alpha[i]
        d_j = a_j - alpha[j]
        for t in range(A):
            G[t] += Q_i[t] * d_i + Q_j[t] * d_j
        if flip_i:
            sign_C = -C_i if status[i] == _UPPER else C_i
            for t in range(l):
                G_bar[t] += sign_C * Q_i[t]
        if flip_j:
            sign_C = -C_j if status[j] == _UPPER else C_j
            for t in range(l):
                G_bar[t] += sign_C * Q_j[t]
        alpha[i] = a_i
        alpha[j] = a_j
        status[i] = status_i
        status[j] = status_j
        state[_S_ITER] += 1
        state[_S_PHASE] = _PH_START


@njit(cache=True, nogil=True)
def _store_row(cache, s, start, stop, r, y, values):
    """``cache[s, t] = y_r y_t k(x_r, x_t)`` for positions ``start <= t < stop``."""
    # Slices first: loops indexed from 0 vectorise (no negative-index checks).
    row = cache[s, start:stop]
    y_part = y[start:stop]
    y_r = y[r]
    for k in range(stop - start):
        row[k] = y_r * y_part[k] * values[k]


@njit(cache=True, nogil=True)
def _reconstruct_block(variables, bookkeeping, cache, lru, free, column, K, start, scratch):
    """libsvm's ``G_t = G_bar_t - 1 + sum_{free f} alpha_f Q_ft`` for the
    inactive positions ``start .. start + len(K) - 1``.

    ``free`` lists the free positions in increasing order; ``column[c]`` is
    the column of ``K`` holding the kernel values of ``free[c]``, or -1 when
    its cached row covers every position. As in libsvm, each ``Q_ft`` is
    rounded to the cache's dtype and the terms are added in the order of
    ``free``: the iterates after a reconstruction are libsvm's. The cached
    rows of the computed variables are extended over these positions.
    """
    alpha, G, G_bar, y = variables[_ALPHA], variables[_GRAD], variables[_GBAR], variables[_LABEL]
    slot = bookkeeping[_SLOT]
    for r in range(K.shape[0]):
        t = start + r
        total = G_bar[t] - 1.0
        for c in range(free.shape[0]):
            f = free[c]
            s = slot[f]
            if column[c] < 0:
                Q_ft = cache[s, t]
            else:
                value = y[f] * y[t] * K[r, column[c]]
                if s >= 0 and lru[_LEN, s] <= t:
                    cache[s, t] = value
                    Q_ft = cache[s, t]
                else:
                    scratch[0] = value
                    Q_ft = scratch[0]
            total += alpha[f] * Q_ft
        G[t] = total


def _reconstruct(rows, variables, bookkeeping, state, cache, lru, chunk_rows):
    """Gradient of the inactive variables (libsvm's reconstruct_gradient); all active.

    Cached full rows of the free variables are read; the kernel between the
    inactive samples and the other free ones is computed in blocks of rows
    (one product each) and extends the cached rows of those variables to
    every position, as libsvm does: the solver needs full rows once every
    variable is active again.
    """
    l, A = state[_S_L], state[_S_ACTIVE_SIZE]
    if A < l:
        slot, length = bookkeeping[_SLOT], lru[_LEN]
        free = np.flatnonzero(bookkeeping[_STATUS, :A] == _FREE)
        slots = slot[free]
        cached = (slots >= 0) & (length[np.maximum(slots, 0)] >= l)
        # A row that does not reach A cannot be extended from A on: drop it.
        short = free[(slots >= 0) & ~cached & (length[np.maximum(slots, 0)] < A)]
        for f in short:
            _drop_row(lru, slot, f)
        column = np.where(cached, -1, np.cumsum(~cached) - 1)
        computed = free[~cached]
        scratch = np.empty(1, dtype=cache.dtype)
        step = max(1, min(chunk_rows, l - A))
        out = np.empty((step, len(computed)), dtype=rows.X_perm.dtype)
        for start in range(A, l, step):
            stop = min(start + step, l)
            K = (
                rows.block(start, stop, computed, bookkeeping[_SAMPLE], out=out[: stop - start])
                if len(computed)
                else out[: stop - start]
            )
            _reconstruct_block(variables, bookkeeping, cache, lru, free, column, K, start, scratch)
        slots = slot[computed]
        length[slots[slots >= 0]] = l
    state[_S_ACTIVE_SIZE] = l


def solve_cached(
    rows, y, C, QD, *, tol, max_iter, shrinking, cache_rows, chunk_rows, cache_dtype=np.float32, buffer=None
):
    """libsvm's SMO with WSS2, shrinking and a kernel-row cache (CPU).

    Parameters
    ----------
    rows : FeatureRows or PrecomputedRows
        Computes kernel values between samples of the problem; its
        ``X_perm`` and ``sq_perm`` are permuted in place as positions swap.
    y : ndarray of shape (n,)
        Labels in {-1.0, +1.0}.
    C : ndarray of shape (n,)
        Positive upper bounds.
    QD : ndarray of shape (n,)
        ``k(x_i, x_i)``.
    tol : float
    max_iter : int
        Pair updates at most; -1 for no limit.
    shrinking : bool
    cache_rows : int
        Kernel rows the cache holds (at least 2 are used).
    chunk_rows : int
        Rows per block of the gradient reconstruction.
    cache_dtype : numpy dtype, default=np.float32
        dtype of the cached values ``Q_ij`` (libsvm's ``Qfloat``); the
        gradient and the dual variables are always float64.
    buffer : ndarray of dtype ``cache_dtype``, default=None
        Memory for the cache, reused between the binary problems of one fit
        (writing to fresh memory costs page faults); allocated when None or
        too small.

    Returns
    -------
    solution : Solution
    """
    l = len(y)
    variables = np.zeros((6, l))
    variables[_GRAD] = -1.0
    variables[_BOUND] = C
    variables[_DIAG] = QD
    variables[_LABEL] = y
    bookkeeping = np.zeros((3, l), dtype=np.int64)
    bookkeeping[_STATUS] = _LOWER
    bookkeeping[_SAMPLE] = np.arange(l)
    bookkeeping[_SLOT] = -1
    n_slots = int(max(2, min(cache_rows, l)))
    if buffer is None or buffer.size < n_slots * l or buffer.dtype != cache_dtype:
        buffer = np.empty(n_slots * l, dtype=cache_dtype)
    cache = buffer[: n_slots * l].reshape(n_slots, l)
    lru = np.full((4, n_slots + 1), -1, dtype=np.int64)
    lru[_LEN] = 0
    order = np.arange(n_slots + 1)
    lru[_NEXT] = np.roll(order, -1)
    lru[_PREV] = np.roll(order, 1)
    state = np.zeros(_N_STATE, dtype=np.int64)
    state[_S_L] = l
    state[_S_ACTIVE_SIZE] = l
    state[_S_COUNTER] = min(l, 1000) + 1
    state[_S_PHASE] = _PH_START
    state[_S_MAX_ITER] = max_iter
    state[_S_SHRINKING] = int(shrinking)
    state[_S_KERNEL] = -1
    scalars = np.zeros(6)
    scalars[_R_EPS] = tol
    swaps = np.empty((l, 2), dtype=np.int64)
    code = getattr(rows, "kernel_code", -1)
    if code >= 0 and l * (rows.X_perm.shape[1] + 45) <= _INLINE_WORK:
        # Small rows: computed inside the loop (libsvm's way), no round trip.
        state[_S_KERNEL] = code
        state[_S_DEGREE] = rows.spec.degree
        scalars[_R_GAMMA] = rows.spec.gamma
        scalars[_R_COEF0] = rows.spec.coef0
    X_perm, sq_perm = rows.X_perm, rows.sq_perm
    labels = variables[_LABEL]
    while True:
        code = _advance(variables, bookkeeping, X_perm, sq_perm, cache, lru, state, scalars, swaps)
        if code == _NEED_ROW:
            r, s, start, stop = state[_S_REQ_ROW], state[_S_REQ_SLOT], state[_S_REQ_START], state[_S_REQ_STOP]
            _store_row(cache, s, start, stop, r, labels, rows.row(r, start, stop, bookkeeping[_SAMPLE]))
        elif code == _NEED_RECONSTRUCT:
            _reconstruct(rows, variables, bookkeeping, state, cache, lru, chunk_rows)
        else:
            break
    converged = code == _DONE
    if not converged:
        _reconstruct(rows, variables, bookkeeping, state, cache, lru, chunk_rows)
    # Back to the sample order.
    alpha, G = np.empty(l), np.empty(l)
    alpha[bookkeeping[_SAMPLE]] = variables[_ALPHA]
    G[bookkeeping[_SAMPLE]] = variables[_GRAD]
    return Solution(alpha, calculate_rho(y, G, alpha, C), dual_objective(alpha, G), int(state[_S_ITER]), converged)
