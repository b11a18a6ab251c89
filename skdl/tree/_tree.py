"""The fitted tree as flat arrays, and what walks it: apply, predict, decision path."""

import numpy as np
from numba import njit, prange
from scipy.sparse import csr_matrix, issparse

# rows walked per parallel task of apply; fewer rows than this are walked on one
# thread, where waking the others costs more than the walk
_APPLY_CHUNK_ROWS = 4096

TREE_LEAF = -1
TREE_UNDEFINED = -2
# scikit-learn's tree constants: values closer than FEATURE_THRESHOLD are one
# value for the split search; an impurity or improvement within EPSILON of
# zero counts as zero
FEATURE_THRESHOLD = 1e-7
EPSILON = np.finfo(np.float64).eps


_FLOAT32_MAX = float(np.finfo(np.float32).max)


@njit(cache=True, nogil=True, inline="always")
def _chunk_fits_float32(X, chunk, allow_nan):
    """Whether rows ``chunk * _APPLY_CHUNK_ROWS`` onwards (one chunk) fit float32, NaN aside."""
    for i in range(chunk * _APPLY_CHUNK_ROWS, min(X.shape[0], (chunk + 1) * _APPLY_CHUNK_ROWS)):
        for j in range(X.shape[1]):
            x = X[i, j]
            if np.isnan(x):
                if not allow_nan:
                    return False
            elif abs(x) > _FLOAT32_MAX:
                return False
    return True


@njit(cache=True, nogil=True, parallel=True)
def _fits_float32_parallel(X, allow_nan):
    n_chunks = (X.shape[0] + _APPLY_CHUNK_ROWS - 1) // _APPLY_CHUNK_ROWS
    fits = np.ones(n_chunks, dtype=np.bool_)
    for chunk in prange(n_chunks):
        fits[chunk] = _chunk_fits_float32(X, chunk, allow_nan)
    return fits.all()


@njit(cache=True, nogil=True)
def _fits_float32_serial(X, allow_nan):
    for chunk in range((X.shape[0] + _APPLY_CHUNK_ROWS - 1) // _APPLY_CHUNK_ROWS):
        if not _chunk_fits_float32(X, chunk, allow_nan):
            return False
    return True


def rows_fit_float32(X, allow_nan):
    """Whether every value of the dense float64 X is a float32 the walks may read.

    scikit-learn's trees cast X to float32 and then refuse infinity (and a
    value past float32's range, which the cast makes infinite) and, unless
    ``allow_nan``, NaN. One pass over float64 X answers the same question
    without the float32 copy: the walks cast each value they read
    (:func:`_child`), so they take the same branches as on the copy. In
    parallel for as many rows as :meth:`Tree.apply` walks in parallel.
    """
    if X.shape[0] < 2 * _APPLY_CHUNK_ROWS:
        return _fits_float32_serial(X, allow_nan)
    return _fits_float32_parallel(X, allow_nan)


@njit(cache=True, nogil=True)
def empty_nodes(capacity):
    """The node store a grower fills: every node a leaf, no feature, no threshold.

    Returns ``left, right, feature, threshold, impurity, n_node_samples,
    weighted_n_node_samples`` of ``capacity`` nodes.
    """
    return (
        np.full(capacity, TREE_LEAF, dtype=np.int64),
        np.full(capacity, TREE_LEAF, dtype=np.int64),
        np.full(capacity, TREE_UNDEFINED, dtype=np.int64),
        np.full(capacity, float(TREE_UNDEFINED)),
        np.zeros(capacity),
        np.zeros(capacity, dtype=np.int64),
        np.zeros(capacity),
    )


def _dense_rows(X):
    """Dense X as the walks read it: C-contiguous float64 as it is, anything else as float32."""
    if X.dtype == np.float64:
        return np.ascontiguousarray(X)
    return np.ascontiguousarray(X, dtype=np.float32)


def _rows(X):
    """X as the walks read it: float32 C-contiguous rows, or the arrays of a CSR matrix.

    Returns ``X_dense, data, indices, indptr`` (the unused part empty).
    scikit-learn's ``Tree.apply`` reads CSR rows without expanding them;
    another sparse format is converted to CSR first.
    """
    empty_index = np.empty(0, dtype=np.int64)
    if not issparse(X):
        return _dense_rows(X), np.empty(0, dtype=np.float32), empty_index, empty_index
    X = X.tocsr()
    return (
        np.empty((0, X.shape[1]), dtype=np.float32),
        np.ascontiguousarray(X.data, dtype=np.float32),
        np.ascontiguousarray(X.indices, dtype=np.int64),
        np.ascontiguousarray(X.indptr, dtype=np.int64),
    )


@njit(cache=True, nogil=True, inline="always")
def _child(node, row, left, right, feature, threshold, missing_go_to_left):
    """The child of split ``node`` a row goes to.

    A NaN goes to the side ``missing_go_to_left`` names (``NaN <= threshold``
    is false, so it is tested first, as scikit-learn's ``Tree.apply``).
    """
    # float64 rows are read as the float32 scikit-learn's trees compare
    x = np.float32(row[feature[node]])
    if np.isnan(x):
        return left[node] if missing_go_to_left[node] else right[node]
    if x <= threshold[node]:
        return left[node]
    return right[node]


@njit(cache=True, nogil=True, inline="always")
def _leaf_of_row(row, left, right, feature, threshold, missing_go_to_left):
    """The leaf a row reaches."""
    node = 0
    while left[node] != TREE_LEAF:
        node = _child(node, row, left, right, feature, threshold, missing_go_to_left)
    return node


@njit(cache=True, nogil=True, parallel=True)
def _apply_parallel(X, left, right, feature, threshold, missing_go_to_left):
    """Leaf of each row of the dense X, chunks of rows in parallel."""
    n = X.shape[0]
    out = np.empty(n, dtype=np.int64)
    for chunk in prange((n + _APPLY_CHUNK_ROWS - 1) // _APPLY_CHUNK_ROWS):
        for i in range(chunk * _APPLY_CHUNK_ROWS, min(n, (chunk + 1) * _APPLY_CHUNK_ROWS)):
            out[i] = _leaf_of_row(X[i], left, right, feature, threshold, missing_go_to_left)
    return out


@njit(cache=True, nogil=True)
def _apply_serial(X, left, right, feature, threshold, missing_go_to_left):
    """Leaf of each row of the dense X, on one thread (a few rows)."""
    out = np.empty(X.shape[0], dtype=np.int64)
    for i in range(X.shape[0]):
        out[i] = _leaf_of_row(X[i], left, right, feature, threshold, missing_go_to_left)
    return out


@njit(cache=True, nogil=True)
def _walk(X, data, indices, indptr, left, right, feature, threshold, missing_go_to_left, path_capacity):
    """Leaf reached by each row, and the nodes each row goes through.

    Rows are those of the dense ``X`` or, when ``indptr`` is not empty, of
    the CSR matrix ``(data, indices, indptr)``, whose row is scattered into a
    dense buffer of the features (and cleared after); each step is
    :func:`_child`. With ``path_capacity > 0``, also returns the CSR
    ``indptr, indices`` of the visited nodes.
    """
    sparse = indptr.shape[0] > 0
    n = indptr.shape[0] - 1 if sparse else X.shape[0]
    buffer = np.zeros(X.shape[1], dtype=X.dtype)
    out = np.empty(n, dtype=np.int64)
    path_indptr = np.zeros(n + 1, dtype=np.int64)
    path = np.empty(path_capacity, dtype=np.int64)
    nnz = 0
    for i in range(n):
        if sparse:
            for k in range(indptr[i], indptr[i + 1]):
                buffer[indices[k]] = data[k]
            row = buffer
        else:
            row = X[i]
        node = 0
        if path_capacity > 0:
            path[nnz] = 0
            nnz += 1
        while left[node] != TREE_LEAF:
            node = _child(node, row, left, right, feature, threshold, missing_go_to_left)
            if path_capacity > 0:
                path[nnz] = node
                nnz += 1
        out[i] = node
        path_indptr[i + 1] = nnz
        if sparse:
            for k in range(indptr[i], indptr[i + 1]):
                buffer[indices[k]] = 0.0
    return out, path_indptr, path[:nnz]


@njit(cache=True, nogil=True)
def cost_complexity_prune(left, right, weighted_n, impurity, ccp_alpha):
    """Minimal cost-complexity pruning (Breiman et al., ch. 3), as scikit-learn does it.

    The risk of a node is ``R(t) = weighted_n(t) / weighted_n(root) *
    impurity(t)``; a branch ``T_t`` has ``R(T_t)``, the sum over its leaves.
    Repeatedly, the internal node with the smallest effective alpha
    ``(R(t) - R(T_t)) / (|leaves(T_t)| - 1)`` (the weakest link) is turned
    into a leaf, until that alpha exceeds ``ccp_alpha``.

    Returns
    -------
    is_leaf : bool array (node_count,)
        Nodes that are leaves of the pruned tree (and still in it).
    in_tree : bool array (node_count,)
        Nodes of the pruned tree.
    alphas, impurities : float arrays
        The pruning path: the effective alpha of each step (0 first) and the
        total leaf risk ``R(T)`` after it.
    """
    n_nodes = left.shape[0]
    total = weighted_n[0]
    r_node = weighted_n * impurity / total
    parent = np.full(n_nodes, -1, dtype=np.int64)
    is_leaf = left == TREE_LEAF
    for i in range(n_nodes):
        if left[i] != TREE_LEAF:
            parent[left[i]] = i
            parent[right[i]] = i
    n_leaves = np.zeros(n_nodes, dtype=np.int64)
    r_branch = np.zeros(n_nodes)
    for leaf in range(n_nodes):
        if not is_leaf[leaf]:
            continue
        r_branch[leaf] = r_node[leaf]
        node = leaf
        while node != 0:
            node = parent[node]
            r_branch[node] += r_node[leaf]
            n_leaves[node] += 1
    candidate = ~is_leaf
    in_tree = np.ones(n_nodes, dtype=np.bool_)
    alphas = np.zeros(n_nodes + 1)
    impurities = np.zeros(n_nodes + 1)
    impurities[0] = r_branch[0]
    count = 1
    stack = np.empty(n_nodes, dtype=np.int64)
    while candidate[0]:
        effective = np.inf
        weakest = -1
        for i in range(n_nodes):
            if candidate[i]:
                a = (r_node[i] - r_branch[i]) / (n_leaves[i] - 1)
                if a < effective:
                    effective = a
                    weakest = i
        if ccp_alpha < effective:
            break
        top = 1
        stack[0] = weakest
        while top > 0:
            top -= 1
            node = stack[top]
            if not in_tree[node]:
                continue
            candidate[node] = False
            is_leaf[node] = False
            in_tree[node] = False
            if left[node] != TREE_LEAF:
                stack[top] = left[node]
                stack[top + 1] = right[node]
                top += 2
        is_leaf[weakest] = True
        in_tree[weakest] = True
        n_pruned = n_leaves[weakest] - 1
        n_leaves[weakest] = 0
        r_diff = r_node[weakest] - r_branch[weakest]
        r_branch[weakest] = r_node[weakest]
        node = parent[weakest]
        while node != -1:
            n_leaves[node] -= n_pruned
            r_branch[node] += r_diff
            node = parent[node]
        alphas[count] = effective
        impurities[count] = r_branch[0]
        count += 1
    return is_leaf, in_tree, alphas[:count], impurities[:count]


@njit(cache=True, nogil=True)
def preorder_keep(left, right, is_leaf):
    """Old node ids of the pruned tree in depth-first (left first) order."""
    order = np.empty(left.shape[0], dtype=np.int64)
    stack = np.empty(left.shape[0] + 1, dtype=np.int64)
    stack[0] = 0
    top = 1
    count = 0
    while top > 0:
        top -= 1
        node = stack[top]
        order[count] = node
        count += 1
        if not is_leaf[node]:
            stack[top] = right[node]
            stack[top + 1] = left[node]
            top += 2
    return order[:count]


def larger_child_is_left(left, right, n_node_samples):
    """scikit-learn's ``missing_go_to_left`` of a split whose node had no NaN.

    1 where the left child holds more training samples than the right (NaN
    met at predict time goes to the larger child), 0 at leaves and ties.
    """
    internal = left != TREE_LEAF
    out = np.zeros(left.shape[0], dtype=np.uint8)
    out[internal] = n_node_samples[left[internal]] > n_node_samples[right[internal]]
    return out


class Tree:
    """A binary decision tree stored as parallel flat arrays.

    Node ``0`` is the root. Node ``i`` is a leaf when
    ``children_left[i] == children_right[i] == -1``; otherwise a sample goes
    to ``children_left[i]`` when ``X[:, feature[i]] <= threshold[i]`` and to
    ``children_right[i]`` else. Nodes are numbered depth first, left before
    right (with ``max_leaf_nodes``, in the best-first order they are split),
    as scikit-learn numbers them, so code that walks
    ``sklearn.tree.DecisionTreeRegressor().tree_`` walks this one too.

    Attributes
    ----------
    node_count : int
        Number of nodes.
    max_depth : int
        Depth of the deepest node (the root has depth 0).
    n_leaves : int
        Number of leaves.
    n_features : int
        Number of features of the training data.
    n_outputs : int
        Number of outputs.
    n_classes : ndarray of shape (n_outputs,)
        Number of classes of each output (1 for regression).
    children_left, children_right : ndarray of shape (node_count,), int64
        Child node ids, ``-1`` for a leaf.
    feature : ndarray of shape (node_count,), int64
        Feature tested at each split node, ``-2`` at leaves.
    threshold : ndarray of shape (node_count,), float64
        Threshold of each split node, ``-2.0`` at leaves.
    value : ndarray of shape (node_count, n_outputs, max_n_classes)
        The prediction of every node: the mean (``squared_error``) or median
        (``absolute_error``) of y for regression (last axis of length 1), the
        weighted class proportions for classification.
    impurity : ndarray of shape (node_count,)
        Criterion value at each node.
    n_node_samples : ndarray of shape (node_count,), int64
        Number of training samples (with positive weight) reaching each node.
    weighted_n_node_samples : ndarray of shape (node_count,)
        Their total weight.
    missing_go_to_left : ndarray of shape (node_count,), uint8
        Where a sample whose split feature is NaN goes at each split node: 1
        to the left child, 0 to the right (0 at leaves). Set by the split
        search when the node's training samples had NaN in the feature;
        otherwise the child with more training samples, as scikit-learn's
        ``tree_.missing_go_to_left``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdl.tree import DecisionTreeRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> tree = DecisionTreeRegressor(max_depth=1).fit(X, [1.0, 1.0, 5.0, 5.0]).tree_
    >>> tree.node_count, tree.children_left.tolist(), tree.children_right.tolist()
    (3, [1, -1, -1], [2, -1, -1])
    >>> tree.value[:, 0, 0].tolist()
    [3.0, 1.0, 5.0]
    """

    def __init__(self, n_features, n_classes, arrays):
        """``arrays``: a grower's ten arrays, and an eleventh, ``missing_go_to_left``, if it sets it."""
        (
            self.node_count,
            self.max_depth,
            self.children_left,
            self.children_right,
            self.feature,
            self.threshold,
            self.impurity,
            self.n_node_samples,
            self.weighted_n_node_samples,
            self.value,
        ) = arrays[:10]
        if len(arrays) > 10:
            self.missing_go_to_left = np.ascontiguousarray(arrays[10], dtype=np.uint8)
        else:
            self.missing_go_to_left = larger_child_is_left(self.children_left, self.children_right, self.n_node_samples)
        self.node_count = int(self.node_count)
        self.max_depth = int(self.max_depth)
        self.n_features = n_features
        self.n_classes = np.asarray(n_classes, dtype=np.int64)
        self.n_outputs = self.value.shape[1]

    @property
    def capacity(self):
        """Allocated nodes: ``node_count`` (scikit-learn's ``Tree`` after its final resize)."""
        return self.node_count

    @property
    def n_leaves(self):
        return int(np.sum(self.children_left == TREE_LEAF))

    def apply(self, X):
        """Leaf id reached by each row of X (dense float32 or float64, or a sparse matrix)."""
        if issparse(X):
            return self._walk(X, with_path=False)[0]
        X = _dense_rows(X)
        nodes = (self.children_left, self.children_right, self.feature, self.threshold, self.missing_go_to_left)
        if X.shape[0] < 2 * _APPLY_CHUNK_ROWS:
            return _apply_serial(X, *nodes)
        return _apply_parallel(X, *nodes)

    def predict(self, X):
        """Value of the leaf reached by each row: shape (n_samples, n_outputs, K)."""
        return self.value[self.apply(X)]

    def decision_path(self, X):
        """Sparse CSR indicator of shape (n_samples, node_count) of visited nodes."""
        _, indptr, indices = self._walk(X, with_path=True)
        data = np.ones(indices.shape[0], dtype=np.intp)
        return csr_matrix((data, indices, indptr), shape=(X.shape[0], self.node_count))

    def _walk(self, X, with_path):
        rows = _rows(X)
        capacity = X.shape[0] * (self.max_depth + 1) if with_path else 0
        return _walk(
            *rows,
            self.children_left,
            self.children_right,
            self.feature,
            self.threshold,
            self.missing_go_to_left,
            capacity,
        )

    def compute_feature_importances(self, normalize=True):
        """Total weighted impurity decrease brought by each feature."""
        importances = np.zeros(self.n_features)
        internal = np.flatnonzero(self.children_left != TREE_LEAF)
        left = self.children_left[internal]
        right = self.children_right[internal]
        wi = self.weighted_n_node_samples * self.impurity
        decrease = wi[internal] - wi[left] - wi[right]
        np.add.at(importances, self.feature[internal], decrease)
        importances /= self.weighted_n_node_samples[0]
        if normalize:
            total = importances.sum()
            if total > 0.0:
                importances /= total
        return importances

    def pruned(self, ccp_alpha):
        """A copy of this tree after minimal cost-complexity pruning with ``ccp_alpha``."""
        is_leaf = cost_complexity_prune(
            self.children_left,
            self.children_right,
            self.weighted_n_node_samples,
            self.impurity,
            ccp_alpha,
        )[0]
        old = preorder_keep(self.children_left, self.children_right, is_leaf)
        new_id = np.full(self.node_count, TREE_LEAF, dtype=np.int64)
        new_id[old] = np.arange(old.shape[0])
        leaf = is_leaf[old]
        left = np.where(leaf, TREE_LEAF, new_id[self.children_left[old]])
        right = np.where(leaf, TREE_LEAF, new_id[self.children_right[old]])
        feature = np.where(leaf, TREE_UNDEFINED, self.feature[old])
        threshold = np.where(leaf, float(TREE_UNDEFINED), self.threshold[old])
        depth = np.zeros(old.shape[0], dtype=np.int64)
        for j in range(old.shape[0]):  # parents come before their children
            if not leaf[j]:
                depth[left[j]] = depth[right[j]] = depth[j] + 1
        arrays = (
            old.shape[0],
            int(depth.max()),
            left,
            right,
            feature,
            threshold,
            self.impurity[old],
            self.n_node_samples[old],
            self.weighted_n_node_samples[old],
            self.value[old],
            np.where(leaf, 0, self.missing_go_to_left[old]),
        )
        return Tree(self.n_features, self.n_classes, arrays)

    def __repr__(self):
        return (
            f"Tree(node_count={self.node_count}, max_depth={self.max_depth}, "
            f"n_leaves={self.n_leaves}, n_outputs={self.n_outputs})"
        )
