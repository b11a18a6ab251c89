"""Platt scaling of SVM decision values, as libsvm computes it.

:class:`skdl.svm.SVC` with ``probability=True`` maps the decision value ``f``
of each binary machine to ``P(y = +1 | f) = 1 / (1 + exp(A f + B))``, with
``A`` and ``B`` fitted on decision values that the samples get from models
trained without them (libsvm's 5-fold cross-validation), by the Newton
method with backtracking of Lin, Lin and Weng (2007). More than two classes:
the pairwise probabilities are coupled into one distribution by the second
method of Wu, Lin and Weng (2004).

The folds are those of scikit-learn's libsvm for the same seed: a
Fisher-Yates shuffle drawn from a 32-bit Mersenne Twister seeded with the
integer scikit-learn derives from ``random_state``, each draw bounded by
Lemire's multiply-and-reject method.

No estimator state and no validation here.
"""

import numpy as np
from numba import njit

# Folds of libsvm's internal cross-validation.
N_FOLDS = 5
# libsvm's bounds on a pairwise probability (keeps the coupling finite).
_MIN_PROB = 1e-7


def _mt19937_words(seed):
    """A generator of the 32-bit outputs of ``std::mt19937(seed)``.

    NumPy's legacy ``RandomState(seed)`` seeds its Mersenne Twister with the
    same ``init_genrand`` as C++'s ``std::mt19937``, and a full-range uint32
    draw is one raw output.
    """
    state = np.random.RandomState(seed)
    while True:
        yield from state.randint(0, 2**32, size=256, dtype=np.uint64).astype(np.uint32).tolist()


def _bounded(words, bound):
    """A uniform integer in ``[0, bound)`` (Lemire's method, as libsvm's ``bounded_rand_int``)."""
    product = next(words) * bound
    low = product & 0xFFFFFFFF
    if low < bound:
        threshold = (2**32 - bound) % bound
        while low < threshold:
            product = next(words) * bound
            low = product & 0xFFFFFFFF
    return product >> 32


def fold_permutation(n, seed):
    """libsvm's shuffle of ``range(n)`` before its cross-validation.

    Parameters
    ----------
    n : int
    seed : int
        The seed scikit-learn passes to libsvm.

    Returns
    -------
    perm : ndarray of shape (n,), dtype=intp
    """
    words = _mt19937_words(seed)
    perm = np.arange(n)
    for i in range(n):
        j = i + _bounded(words, n - i)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def fold_bounds(n):
    """``[(begin, end)]`` of the folds in the permutation (libsvm's split)."""
    return [(k * n // N_FOLDS, (k + 1) * n // N_FOLDS) for k in range(N_FOLDS)]


@njit(cache=True)
def _sigmoid_objective(dec, targets, A, B):
    value = 0.0
    for i in range(dec.shape[0]):
        z = dec[i] * A + B
        if z >= 0.0:
            value += targets[i] * z + np.log1p(np.exp(-z))
        else:
            value += (targets[i] - 1.0) * z + np.log1p(np.exp(z))
    return value


@njit(cache=True)
def _sigmoid_train(dec, positive):
    n = dec.shape[0]
    n_pos = 0.0
    for i in range(n):
        if positive[i]:
            n_pos += 1.0
    n_neg = n - n_pos
    # Regularised targets (Platt's), so that separable data gives finite A, B.
    hi, lo = (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0)
    targets = np.empty(n)
    for i in range(n):
        targets[i] = hi if positive[i] else lo
    A, B = 0.0, np.log((n_neg + 1.0) / (n_pos + 1.0))
    value = _sigmoid_objective(dec, targets, A, B)
    for _ in range(100):
        # Gradient and Hessian; sigma keeps the Hessian strictly positive definite.
        h11 = h22 = 1e-12
        h21 = g1 = g2 = 0.0
        for i in range(n):
            z = dec[i] * A + B
            if z >= 0.0:
                p = np.exp(-z) / (1.0 + np.exp(-z))
                q = 1.0 / (1.0 + np.exp(-z))
            else:
                p = 1.0 / (1.0 + np.exp(z))
                q = np.exp(z) / (1.0 + np.exp(z))
            d2 = p * q
            h11 += dec[i] * dec[i] * d2
            h22 += d2
            h21 += dec[i] * d2
            d1 = targets[i] - p
            g1 += dec[i] * d1
            g2 += d1
        if abs(g1) < 1e-5 and abs(g2) < 1e-5:
            break
        det = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / det
        dB = -(-h21 * g1 + h11 * g2) / det
        slope = g1 * dA + g2 * dB
        step = 1.0
        while step >= 1e-10:
            new_value = _sigmoid_objective(dec, targets, A + step * dA, B + step * dB)
            if new_value < value + 1e-4 * step * slope:
                A, B, value = A + step * dA, B + step * dB, new_value
                break
            step /= 2.0
        if step < 1e-10:
            break
    return A, B


def sigmoid_train(decision, positive):
    """Fit ``A, B`` of ``P(+1 | f) = 1 / (1 + exp(A f + B))`` (Lin, Lin and Weng).

    Parameters
    ----------
    decision : ndarray of shape (n,)
        Cross-validated decision values.
    positive : ndarray of shape (n,), dtype=bool
        True for the samples of the +1 side.

    Returns
    -------
    A, B : float
    """
    return _sigmoid_train(np.ascontiguousarray(decision, dtype=np.float64), np.ascontiguousarray(positive))


def sigmoid_predict(decision, A, B):
    """``1 / (1 + exp(A f + B))`` without overflow, clipped to libsvm's bounds."""
    z = decision * A + B
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
    return np.clip(p, _MIN_PROB, 1.0 - _MIN_PROB)


@njit(cache=True)
def _couple(r, p):
    """Wu, Lin and Weng's method 2 on one sample: ``r[i, j] = P(i | i or j)``."""
    k = r.shape[0]
    Q = np.zeros((k, k))
    for t in range(k):
        p[t] = 1.0 / k
        for j in range(k):
            if j != t:
                Q[t, t] += r[j, t] * r[j, t]
                Q[t, j] = -r[j, t] * r[t, j]
    Qp = np.empty(k)
    eps = 0.005 / k
    for _ in range(max(100, k)):
        pQp = 0.0
        for t in range(k):
            Qp[t] = 0.0
            for j in range(k):
                Qp[t] += Q[t, j] * p[j]
            pQp += p[t] * Qp[t]
        max_error = 0.0
        for t in range(k):
            max_error = max(max_error, abs(Qp[t] - pQp))
        if max_error < eps:
            break
        for t in range(k):
            diff = (-Qp[t] + pQp) / Q[t, t]
            p[t] += diff
            pQp = (pQp + diff * (diff * Q[t, t] + 2.0 * Qp[t])) / (1.0 + diff) / (1.0 + diff)
            for j in range(k):
                Qp[j] = (Qp[j] + diff * Q[t, j]) / (1.0 + diff)
                p[j] /= 1.0 + diff


@njit(cache=True)
def _couple_all(pairwise, n_classes):
    n = pairwise.shape[0]
    out = np.empty((n, n_classes))
    r = np.zeros((n_classes, n_classes))
    for s in range(n):
        m = 0
        for i in range(n_classes):
            for j in range(i + 1, n_classes):
                r[i, j] = pairwise[s, m]
                r[j, i] = 1.0 - pairwise[s, m]
                m += 1
        _couple(r, out[s])
    return out


def ovo_probabilities(pairwise, n_classes):
    """Class probabilities from the pairwise ones (libsvm's ``svm_predict_probability``).

    Parameters
    ----------
    pairwise : ndarray of shape (n_samples, n_classes * (n_classes - 1) / 2)
        ``P(class i | class i or j)`` for the pairs ``(i, j)``, ``i < j``, in
        the order (0, 1), (0, 2), ..., (1, 2), ...
    n_classes : int

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
    """
    # Two classes are coupled too: scikit-learn's libsvm runs the iterative
    # coupling (stopping at 0.005 / k) even then, which moves probabilities
    # near 0 or 1 away from the pairwise sigmoid (0.0025 -> 1.9e-5 on
    # breast_cancer).
    return _couple_all(np.ascontiguousarray(pairwise, dtype=np.float64), n_classes)
