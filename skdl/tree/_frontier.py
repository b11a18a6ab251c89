"""The builders' two queues: the depth-first stack and the best-first frontier.

The stack holds the nodes still to create (scikit-learn's ``StackRecord``:
segment, depth, parent, side, impurity, known constant features and the
bounds of monotonic constraints). The frontier is a max-heap of node ids, as
scikit-learn keeps it.

scikit-learn's ``BestFirstTreeBuilder`` keeps its frontier in a
``std::vector`` ordered with ``std::push_heap`` / ``std::pop_heap``; nodes of
equal improvement leave it in an order those steps decide, so every
best-first builder here (:mod:`._builder` and the histogram routes) uses
these two kernels to expand nodes in scikit-learn's order.
"""

import numpy as np
from numba import njit

from ._criterion import child_bounds
from ._tree import TREE_UNDEFINED


@njit(cache=True, nogil=True)
def frontier_push(heap, size, key, node):
    """Push ``node`` on a max-heap of node ids ordered by ``key[node]``.

    The steps of ``std::push_heap`` (libstdc++) with scikit-learn's
    comparison ``key[a] < key[b]``, so that nodes of equal key leave the
    heap in the order they leave scikit-learn's best-first frontier: the
    node is sifted up from position ``size`` (the heap's end, or the hole
    :func:`frontier_pop` leaves).
    """
    hole = size
    while hole > 0:
        parent = (hole - 1) // 2
        if not key[heap[parent]] < key[node]:
            break
        heap[hole] = heap[parent]
        hole = parent
    heap[hole] = node


@njit(cache=True, nogil=True)
def frontier_pop(heap, size, key):
    """Pop the node of largest key from a heap of ``size`` node ids.

    ``std::pop_heap`` (libstdc++: ``__adjust_heap`` then ``__push_heap``)
    followed by ``back()``; the caller decrements ``size``.
    """
    top = heap[0]
    length = size - 1
    if length > 0:
        value = heap[length]
        heap[length] = top
        hole = 0
        second = 0
        while second < (length - 1) // 2:
            second = 2 * (second + 1)
            if key[heap[second]] < key[heap[second - 1]]:
                second -= 1
            heap[hole] = heap[second]
            hole = second
        if length % 2 == 0 and second == (length - 2) // 2:
            second = 2 * (second + 1)
            heap[hole] = heap[second - 1]
            hole = second - 1
        # ``__push_heap``: the last value sifted up from the hole
        frontier_push(heap, hole, key, value)
    return top


@njit(cache=True, nogil=True)
def empty_frontier(capacity, best_first):
    """The frontier's records, one slot per node (a single slot when depth first).

    Returns ``heap, improvement, start, pos, end, depth, is_leaf,
    impurity_left, impurity_right``: scikit-learn's ``FrontierRecord`` fields
    as arrays indexed by node id.
    """
    size = capacity if best_first else 1
    heap_and_segments = np.empty((5, size), dtype=np.int64)
    heap, start, pos, end, depth = heap_and_segments
    improvement_and_impurities = np.zeros((3, size))
    improvement, impurity_left, impurity_right = improvement_and_impurities
    return heap, improvement, start, pos, end, depth, np.zeros(size, dtype=np.bool_), impurity_left, impurity_right


@njit(cache=True, nogil=True)
def empty_stack(capacity):
    """The stack's records: ``start, end, depth, parent, is_left, impurity,
    n_constant_features, lower_bound, upper_bound``, room for every node."""
    size = capacity + 1
    segments = np.zeros((5, size), dtype=np.int64)
    start, end, depth, parent, n_constant = segments
    impurity_and_bounds = np.empty((3, size))
    impurity, lower, upper = impurity_and_bounds
    return start, end, depth, parent, np.empty(size, dtype=np.bool_), impurity, n_constant, lower, upper


@njit(cache=True, nogil=True)
def stack_push(stack, top, start, end, depth, parent, is_left, impurity, n_constant, lower, upper):
    """Push a node to create on ``stack`` (:func:`empty_stack`); returns the new size."""
    st_start, st_end, st_depth, st_parent, st_is_left, st_impurity, st_nconst, st_lower, st_upper = stack
    st_start[top], st_end[top], st_depth[top], st_parent[top] = start, end, depth, parent
    st_is_left[top] = is_left
    st_impurity[top] = impurity
    st_nconst[top] = n_constant
    st_lower[top], st_upper[top] = lower, upper
    return top + 1


@njit(cache=True, nogil=True)
def expand_best_first(heap, h_size, split_budget, frontier, bounds, feature, threshold, monotonic_cst, stack, top):
    """One step of scikit-learn's best-first loop: pop the frontier node of largest improvement.

    ``frontier`` is :func:`empty_frontier`'s records (less the heap),
    ``bounds`` the nodes' ``(lower, upper, middle)`` of monotonic
    constraints. A node recorded as a leaf, or popped once the split budget
    is spent, stays a leaf (its feature and threshold undefined); otherwise
    its two children go on the stack, right first, with the bounds the
    split gives them. Returns ``node, h_size, split_budget, top``.
    """
    improvement, start, pos, end, depth, is_leaf, imp_left, imp_right = frontier
    lower, upper, middle = bounds
    node = frontier_pop(heap, h_size, improvement)
    h_size -= 1
    if is_leaf[node] or split_budget <= 0:
        feature[node] = TREE_UNDEFINED
        threshold[node] = float(TREE_UNDEFINED)
        return node, h_size, split_budget, top
    lower_left, upper_left, lower_right, upper_right = child_bounds(
        monotonic_cst[feature[node]], lower[node], upper[node], middle[node]
    )
    # children search their splits with no known constant feature
    top = stack_push(
        stack, top, pos[node], end[node], depth[node] + 1, node, False, imp_right[node], 0, lower_right, upper_right
    )
    top = stack_push(
        stack, top, start[node], pos[node], depth[node] + 1, node, True, imp_left[node], 0, lower_left, upper_left
    )
    return node, h_size, split_budget - 1, top
