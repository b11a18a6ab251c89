"""scikit-learn's node sort, reproduced step for step (private numba kernels).

scikit-learn's ``BestSplitter`` sorts the samples of a node by each feature it
examines with an introsort (median-of-three pivot, three-way partition,
heapsort past ``2 * floor(log2(n))`` levels, insertion sort below 16
elements) that is not stable: the order it
leaves among samples with equal feature values depends on the order it was
given. The float sums of the split criterion add samples in that order, so a
tree that must agree with scikit-learn's to the last bit sorts tied features
exactly as it does. :func:`introsort` is that sort, on a segment of a
``float32`` value array and the matching sample indices.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _sift_down(values, samples, root, end):
    while True:
        child = root * 2 + 1
        maxind = root
        if child < end and values[maxind] < values[child]:
            maxind = child
        if child + 1 < end and values[maxind] < values[child + 1]:
            maxind = child + 1
        if maxind == root:
            return
        values[root], values[maxind] = values[maxind], values[root]
        samples[root], samples[maxind] = samples[maxind], samples[root]
        root = maxind


@njit(cache=True, nogil=True)
def _heapsort(values, samples, n):
    start = (n - 2) // 2
    while True:
        _sift_down(values, samples, start, n)
        if start == 0:
            break
        start -= 1
    end = n - 1
    while end > 0:
        values[0], values[end] = values[end], values[0]
        samples[0], samples[end] = samples[end], samples[0]
        _sift_down(values, samples, 0, end)
        end -= 1


@njit(cache=True, nogil=True)
def _insertion_sort(values, samples, n):
    one = np.uint64(1)
    for i in range(1, n):
        j = np.uint64(i)
        v = values[j]
        s = samples[j]
        while j > 0 and values[j - one] > v:
            values[j] = values[j - one]
            samples[j] = samples[j - one]
            j -= one
        values[j] = v
        samples[j] = s


@njit(cache=True, nogil=True)
def _median_of_three(v, n):
    """The median of the first, middle and last values (scikit-learn's pivot)."""
    a = v[0]
    b = v[n // 2]
    c = v[n - 1]
    if a < b:
        return b if b < c else (c if a < c else a)
    if b < c:
        return a if a < c else c
    return b


@njit(cache=True, nogil=True)
def _partition3(v, s, n, pivot):
    """Three-way partition of ``v[:n]`` (``s`` moved alongside) in scikit-learn's
    order, [< pivot] [== pivot] [> pivot]; returns the two boundaries."""
    one = np.uint64(1)
    i = np.uint64(0)
    lo = np.uint64(0)
    r = np.uint64(n)
    while i < r:
        x = v[i]
        if x < pivot:
            v[i] = v[lo]
            v[lo] = x
            t = s[i]
            s[i] = s[lo]
            s[lo] = t
            i += one
            lo += one
        elif x > pivot:
            r -= one
            v[i] = v[r]
            v[r] = x
            t = s[i]
            s[i] = s[r]
            s[r] = t
        else:
            i += one
    return np.int64(lo), np.int64(r)


@njit(cache=True, nogil=True)
def introsort(values, samples, start, end):
    """Sort ``values[start:end]`` and ``samples[start:end]`` together, in place.

    scikit-learn's ``simultaneous_sort(..., use_three_way_partition=True)``:
    median-of-three pivot, three-way partition, heapsort past ``2 *
    floor(log2(n))`` levels, insertion sort below 16 elements. It is
    :func:`introsort_ties` with no order known beforehand (every segment
    sorted).
    """
    introsort_ties(values, samples, start, end, samples, values, values, -1)


@njit(cache=True, nogil=True)
def _holds_tied_value(tied, n_tied, lower, upper):
    """Whether a value of ``tied[:n_tied]`` (sorted) lies strictly in (lower, upper); always when ``n_tied < 0``."""
    if n_tied < 0:
        return True
    lo = 0
    hi = n_tied
    while lo < hi:  # first tied value > lower
        mid = (lo + hi) // 2
        if tied[mid] > lower:
            hi = mid
        else:
            lo = mid + 1
    return lo < n_tied and tied[lo] < upper


@njit(cache=True, nogil=True)
def introsort_ties(values, samples, start, end, sorted_row, xrow, tied, n_tied):
    """:func:`introsort` of a segment, recursing only where the order is not known.

    The result is :func:`introsort`'s, element for element. Each segment of
    the recursion holds the values strictly between two pivots (or the
    ends); when no value there occurs twice in the node, the segment's sorted
    order is unique: it is ``sorted_row`` over the same positions (the
    segment's rank range), copied instead of sorted. Only segments that hold
    tied values, whose order depends on the sort's steps, are partitioned
    further. With few ties this costs about ``n log(n_tied)`` instead of
    ``n log n``.

    Parameters
    ----------
    values, samples : arrays
        The feature values of ``samples`` and the samples, in their current
        order; sorted in place over ``[start, end)``.
    sorted_row : int array
        The same samples sorted by the feature (any order among ties).
    xrow : float32 array
        The feature's values, indexed by sample.
    tied, n_tied : float32 array, int
        The distinct values occurring at least twice in the segment, sorted;
        ``n_tied < 0``: unknown, every segment is sorted (:func:`introsort`).

    Notes
    -----
    scikit-learn's recursion on the left part becomes an explicit stack; the
    segments are disjoint, so the order in which they are processed does
    not change the result. (The partition loop indexes with unsigned
    integers: numba then skips its negative-index checks, which cost a third
    of the time.)
    """
    n = end - start
    if n <= 1:
        return
    maxd = 2 * int(math.log2(n))
    cap = (maxd + 2) * (maxd + 2) + 2
    # the segments still to sort: offset, length, depth budget and the
    # values that bound them (two allocations: small sorts are many)
    segments = np.empty((3, cap), dtype=np.int64)
    segment_bounds = np.empty((2, cap), dtype=values.dtype)
    st_off, st_n, st_d = segments[0], segments[1], segments[2]
    st_lo, st_hi = segment_bounds[0], segment_bounds[1]
    st_off[0], st_n[0], st_d[0] = start, n, maxd
    st_lo[0] = -np.inf
    st_hi[0] = np.inf
    top = 1
    while top > 0:
        top -= 1
        off, n, maxd = st_off[top], st_n[top], st_d[top]
        lower, upper = st_lo[top], st_hi[top]
        v = values[off : off + n]
        s = samples[off : off + n]
        done = False
        while not done:
            if not _holds_tied_value(tied, n_tied, lower, upper):
                for p in range(n):
                    i = sorted_row[off + p]
                    s[p] = i
                    v[p] = xrow[i]
                done = True
                break
            if n <= 15:
                break
            if maxd <= 0:
                _heapsort(v, s, n)
                done = True
                break
            maxd -= 1
            pivot = _median_of_three(v, n)
            n_lo, n_r = _partition3(v, s, n, pivot)
            if n_lo > 1:
                st_off[top], st_n[top], st_d[top] = off, n_lo, maxd
                st_lo[top], st_hi[top] = lower, pivot
                top += 1
            off += n_r
            n -= n_r
            v = v[n_r:]
            s = s[n_r:]
            lower = pivot
            if n <= 1:
                done = True
        if not done:
            _insertion_sort(v, s, n)
