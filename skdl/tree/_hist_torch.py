"""Histogram ("hist") tree growth in torch: the route of ``splitter="hist"`` on a GPU.

The numba route of :mod:`._hist` grows one node at a time, depth first,
which suits a CPU. A GPU wants all the nodes of a level at once, so this
route grows the tree level by level (breadth first), as GPU gradient
boosting libraries do:

1. every open node's totals (count, weight, weighted targets or class
   weights) are one ``index_add_`` over its samples;
2. the histograms of all the splittable nodes of the level are
   ``index_add_`` calls keyed by ``(node, feature, bin)``, in chunks of nodes
   bounded by scikit-learn's ``working_memory``;
3. a cumulative sum over the bins gives every candidate split's left
   statistics at once, scikit-learn's proxy improvement scores them all, and
   an ``argmax`` per node picks its split;
4. each sample moves to its child by comparing its code with the split bin.

The split rules are those of the numba route: same bins (from
:func:`._binning.bin_features`), same proxy and stopping rules, the
threshold is a bin edge. Ties between candidate splits go to the lowest
feature, then the lowest bin (the numba route visits the features in
scikit-learn's random order), and sums are formed in another order, so the
two routes grow the same tree except where two candidates tie to rounding.
With ``max_leaf_nodes`` the tree grows best first: the frontier node of
largest improvement is split next, its two children's splits searched as
a batch of two. Nodes are renumbered depth first (left child first) at the
end, the layout of the other routes.

Sums run in float64, in an order fixed from run to run so that a fit on
CUDA is reproducible: ``index_add_`` under torch's deterministic
algorithms (otherwise it adds in an unspecified order) and prefix sums by
a doubling scan (``torch.cumsum`` of floats has no deterministic CUDA
form).
"""

from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state

from .._device import chunk_size, to_numpy, to_tensor, torch_generator
from ._criterion import GINI, SQUARED_ERROR
from ._frontier import frontier_pop, frontier_push
from ._tree import EPSILON, TREE_LEAF, TREE_UNDEFINED, preorder_keep

_LN2 = float(np.log(2.0))


@contextmanager
def _deterministic_on(device):
    """torch's deterministic algorithms while the block runs on a CUDA device.

    It makes ``index_add_`` add in a fixed order. The switch is global, so
    ``warn_only``: torch work of other threads meanwhile warns instead of
    failing where it has no deterministic form.
    """
    if device.type != "cuda":
        yield
        return
    previous = torch.are_deterministic_algorithms_enabled()
    previous_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous, warn_only=previous_warn)


def _sample_statistics(targets, w, crit, K, device):
    """Per sample: ``[1, w, w * y_k ..., w * sum_k y_k^2]`` or ``[1, w, w * onehot]``.

    ``targets`` are the regression targets ``(n, n_outputs)`` or the encoded
    class labels (classification).

    Sums of these rows over a node (or a bin) are the statistics every
    criterion needs. The last column of the regression rows gives the
    node impurity (a variance); classification needs only class weights.
    """
    n, n_out = targets.shape
    if crit == SQUARED_ERROR:
        stats = np.empty((n, 3 + n_out))
        stats[:, 2 : 2 + n_out] = w[:, None] * targets
        stats[:, -1] = w * (targets * targets).sum(axis=1)
    else:
        stats = np.zeros((n, 2 + n_out * K))
        rows = np.arange(n)
        for k in range(n_out):
            stats[rows, 2 + k * K + targets[:, k]] = w
    stats[:, 0] = 1.0
    stats[:, 1] = w
    return to_tensor(stats, device, np.float64)


def _impurity(stats, crit, n_out, K):
    """Impurity of nodes (or children) from their summed statistics ``(..., S)``.

    Rows of zero weight give NaN; callers mask them.
    """
    weight = stats[..., 1]
    if crit == SQUARED_ERROR:
        mean = stats[..., 2 : 2 + n_out] / weight[..., None]
        return (stats[..., -1] / weight - (mean * mean).sum(dim=-1)) / n_out
    counts = stats[..., 2:].unflatten(-1, (n_out, K))
    if crit == GINI:
        sq = (counts * counts).sum(dim=-1)
        return (1.0 - sq / (weight * weight)[..., None]).sum(dim=-1) / n_out
    p = counts / weight[..., None, None]
    terms = torch.where(p > 0, p * (torch.log(torch.where(p > 0, p, 1.0)) / _LN2), 0.0)
    return -terms.sum(dim=(-1, -2)) / n_out


def _prefix_sums(x, dim):
    """Inclusive prefix sums along ``dim``, in a fixed order of additions.

    ``torch.cumsum`` of floats has no deterministic CUDA implementation; a
    doubling scan (add the value ``k`` places back, ``k = 1, 2, 4, ...``)
    adds in the same order on every run and device, in ``log2`` passes.
    """
    x = x.clone()
    size = x.shape[dim]
    step = 1
    while step < size:
        shifted = x.narrow(dim, 0, size - step)
        x = torch.cat((x.narrow(dim, 0, step), x.narrow(dim, step, size - step) + shifted), dim=dim)
        step *= 2
    return x


def _proxy(left, total, crit, n_out, K):
    """scikit-learn's proxy improvement of every candidate split.

    ``left`` holds the left child's statistics ``(..., S)``, ``total`` the
    node's (broadcast); the right child's are the difference.
    """
    right = total - left
    wl, wr = left[..., 1], right[..., 1]
    if crit == SQUARED_ERROR:
        sl = left[..., 2 : 2 + n_out]
        sr = right[..., 2 : 2 + n_out]
        return (sl * sl).sum(dim=-1) / wl + (sr * sr).sum(dim=-1) / wr
    return -wr * _impurity(right, crit, n_out, K) - wl * _impurity(left, crit, n_out, K)


class _Grower:
    """Level-wise (or best-first) growth of one tree on ``device``.

    Holds the data on the device and the node arrays on the host; see
    :func:`grow_hist_torch` for the parameters.
    """

    def __init__(self, codes, edges, active, y, y_enc, w, crit, K, params, device):
        self.device = device
        self.crit = crit
        self.K = 1 if crit == SQUARED_ERROR else K
        self.n_out = y.shape[1] if crit == SQUARED_ERROR else y_enc.shape[1]
        self.edges = edges
        self.params = params
        self.codes = to_tensor(np.ascontiguousarray(codes[active]), device, np.uint8)
        targets = y[active] if crit == SQUARED_ERROR else y_enc[active]
        self.stats = _sample_statistics(targets, w[active], crit, self.K, device)
        self.n_features = codes.shape[1]
        self.n_bins = edges.shape[1] + 1
        # a split at bin b sends codes <= b left: b ranges over the feature's
        # bins but its last, which would leave the right child empty
        n_bins_f = np.isfinite(edges).sum(axis=1) + 1
        self.splittable_bin = to_tensor(np.arange(self.n_bins - 1)[None, :] < (n_bins_f - 1)[:, None], device, np.bool_)
        self.total_weight = float(w[active].sum())
        self.generator = torch_generator(check_random_state(params["seed"]), device)
        self.table = _NodeTable(self.n_out, self.K)

    # ---- statistics and split search ------------------------------------

    def histograms(self, rows, loc, m):
        """``(m, F, B, S)`` histograms of the samples ``rows``, in nodes ``loc`` (< m)."""
        F, B, S = self.n_features, self.n_bins, self.stats.shape[1]
        hist = torch.zeros((m * F * B, S), dtype=torch.float64, device=self.device)
        stats = self.stats[rows]
        base = loc * (F * B)
        codes = self.codes[rows]
        # one feature at a time keeps the repeated statistics out of memory
        for f in range(F):
            hist.index_add_(0, base + f * B + codes[:, f].long(), stats)
        return hist.view(m, F, B, S)

    def feature_mask(self, hist):
        """``(m, F)``: the features each node searches (``max_features``).

        As scikit-learn's draw: ``max_features`` features at random, constant
        ones included (they give no split), and more only while every drawn
        one was constant, that is, then the first varying one in the draw.
        """
        m, F = hist.shape[:2]
        varies = (hist[..., 0] > 0).sum(dim=2) > 1
        if self.params["max_features"] >= F:
            return varies
        keys = torch.rand((m, F), generator=self.generator, device=self.device, dtype=torch.float64)
        drawn = keys.argsort(dim=1).argsort(dim=1) < self.params["max_features"]
        first_varying = torch.where(varies, keys, torch.inf).argmin(dim=1)
        drawn[torch.arange(m, device=self.device), first_varying] |= ~(drawn & varies).any(dim=1)
        return drawn & varies

    def best_splits(self, rows, loc, totals):
        """Best (feature, bin, proxy, left statistics) of each node, chunked by memory.

        ``proxy`` is ``-inf`` where a node has no admissible split; ``left``
        ``(m, S)`` holds the left child's summed statistics at the split.
        """
        m = totals.shape[0]
        F, B, S = self.n_features, self.n_bins, self.stats.shape[1]
        # per node, float64: the histogram, the scan's copies, the left and
        # right sides, the criterion's temporaries and the scores
        per_node = 8 * F * B * (6 * S + 8)
        step = chunk_size(per_node, m)
        feature = torch.empty(m, dtype=torch.int64, device=self.device)
        bin_ = torch.empty(m, dtype=torch.int64, device=self.device)
        proxy = torch.empty(m, dtype=torch.float64, device=self.device)
        left = torch.empty((m, S), dtype=torch.float64, device=self.device)
        order = torch.argsort(loc, stable=True)
        rows, loc = rows[order], loc[order]
        bounds = torch.searchsorted(loc, torch.arange(0, m + step, step, device=self.device).clamp(max=m))
        bounds = to_numpy(bounds)
        for j, lo in enumerate(range(0, m, step)):
            hi = min(lo + step, m)
            a, b = bounds[j], bounds[j + 1]
            hist = self.histograms(rows[a:b], loc[a:b] - lo, hi - lo)
            feature[lo:hi], bin_[lo:hi], proxy[lo:hi], left[lo:hi] = self.scan(hist, totals[lo:hi])
        return feature, bin_, proxy, left

    def scan(self, hist, totals):
        """Best split of each node of a chunk from its histograms ``(c, F, B, S)``."""
        p = self.params
        left = _prefix_sums(hist, dim=2)[:, :, :-1]
        total = totals[:, None, None, :]
        nl = left[..., 0]
        nr = total[..., 0] - nl
        wl = left[..., 1]
        wr = total[..., 1] - wl
        admissible = (
            (hist[:, :, :-1, 0] > 0)  # an empty bin repeats the previous split
            & self.splittable_bin
            & (nl >= p["min_samples_leaf"])
            & (nr >= p["min_samples_leaf"])
            & (wl >= p["min_weight_leaf"])
            & (wr >= p["min_weight_leaf"])
            & (wl > 0)
            & (wr > 0)
            & self.feature_mask(hist)[:, :, None]
        )
        scores = torch.where(admissible, _proxy(left, total, self.crit, self.n_out, self.K), -torch.inf)
        best = scores.flatten(1).max(dim=1)
        n_cut = hist.shape[2] - 1
        best_left = left.flatten(1, 2)[torch.arange(left.shape[0], device=self.device), best.indices]
        return best.indices // n_cut, best.indices % n_cut, best.values, best_left

    # ---- growth ---------------------------------------------------------

    def new_nodes(self, totals, depth, parents, is_left):
        """Record nodes from their totals; return their ids, which may split, their impurities."""
        p = self.params
        impurity = _impurity(totals, self.crit, self.n_out, self.K)
        if self.crit == SQUARED_ERROR:
            value = totals[:, 2 : 2 + self.n_out] / totals[:, 1:2]
            value = value[:, :, None]
        else:
            value = totals[:, 2:].unflatten(1, (self.n_out, self.K)) / totals[:, 1, None, None]
        n_node = totals[:, 0]
        wn = totals[:, 1]
        may_split = (
            (n_node >= p["min_samples_split"])
            & (n_node >= 2 * p["min_samples_leaf"])
            & (wn >= 2 * p["min_weight_leaf"])
            & (impurity > EPSILON)
        )
        if depth >= p["max_depth"]:
            may_split[:] = False
        ids = self.table.add(parents, is_left, depth, *(to_numpy(t) for t in (impurity, value, n_node, wn)))
        return ids, may_split, impurity

    def accept(self, totals, impurity, proxy, left, may_split):
        """Splits kept after the impurity check; returns ``(keep, improvement)``.

        The children's statistics at the chosen bin (``left``, and the node's
        minus it) give their impurities, hence the node's impurity decrease,
        as the numba route computes it.
        """
        keep = may_split & torch.isfinite(proxy)
        if not bool(keep.any()):
            return keep, torch.zeros_like(proxy)
        improvement = torch.zeros_like(proxy)
        idx = torch.nonzero(keep).flatten()
        total, left = totals[idx], left[idx]
        right = total - left
        wn, wl, wr = total[:, 1], left[:, 1], right[:, 1]
        imp_l = _impurity(left, self.crit, self.n_out, self.K)
        imp_r = _impurity(right, self.crit, self.n_out, self.K)
        gain = (wn / self.total_weight) * (impurity[idx] - wr / wn * imp_r - wl / wn * imp_l)
        improvement[idx] = gain
        keep[idx] = gain + EPSILON >= self.params["min_impurity_decrease"]
        return keep, improvement

    def grow_levels(self):
        """Breadth-first growth; every node of a level is searched at once."""
        n = self.stats.shape[0]
        rows = torch.arange(n, device=self.device)
        loc = torch.zeros(n, dtype=torch.int64, device=self.device)
        parents, is_left, depth = np.array([-1]), np.array([False]), 0
        while rows.shape[0] > 0:
            m = len(parents)
            totals = self.node_totals_of(rows, loc, m)
            ids, may_split, impurity = self.new_nodes(totals, depth, parents, is_left)
            feature, bin_, proxy, left = self.best_splits_where(rows, loc, totals, may_split)
            keep, _ = self.accept(totals, impurity, proxy, left, may_split)
            self.record_splits(ids, keep, feature, bin_)
            # children: left of the j-th kept node is 2j, its right 2j + 1
            rank = torch.cumsum(keep.long(), 0) - 1
            stays = keep[loc]
            rows, loc = rows[stays], loc[stays]
            go_left = self.codes[rows, feature[loc]].long() <= bin_[loc]
            loc = 2 * rank[loc] + (~go_left).long()
            kept = ids[to_numpy(keep)]
            parents = np.repeat(kept, 2)
            is_left = np.tile([True, False], kept.shape[0])
            depth += 1

    def grow_best_first(self, max_leaf_nodes):
        """Best-first growth: split the frontier node of largest improvement next.

        The frontier is the numba route's heap (scikit-learn's), every new
        node pushed on it, leaves with improvement 0, so that nodes of equal
        improvement leave it in the same order.
        """
        n = self.stats.shape[0]
        self._rows = torch.arange(n, device=self.device)
        self._node = torch.zeros(n, dtype=torch.int64, device=self.device)
        capacity = 2 * max_leaf_nodes + 1
        frontier = {
            "heap": np.empty(capacity, dtype=np.int64),
            "size": 0,
            "improvement": np.zeros(capacity),
            "split": {},
        }
        self.expand(np.array([-1]), np.array([False]), 0, frontier, self._node == 0, [0])
        budget = max_leaf_nodes - 1
        while frontier["size"] > 0 and budget > 0:
            node = frontier_pop(frontier["heap"], frontier["size"], frontier["improvement"])
            frontier["size"] -= 1
            if node not in frontier["split"]:
                continue  # a leaf
            budget -= 1
            feature, bin_ = frontier["split"].pop(node)
            self.table.set_splits([node], [feature], [bin_])
            members = self._node == node
            go_left = self.codes[self._rows, feature].long() <= bin_
            first_id = self.table.count
            self._node = torch.where(members & go_left, first_id, self._node)
            self._node = torch.where(members & ~go_left, first_id + 1, self._node)
            self.expand(
                np.array([node, node]),
                np.array([True, False]),
                self.table.depth[node] + 1,
                frontier,
                members,
                [first_id, first_id + 1],
            )

    def expand(self, parents, is_left, depth, frontier, members, new_ids):
        """Create the nodes ``new_ids`` (samples ``members``) and push them on the frontier.

        ``frontier["split"]`` maps a node that may split to its best
        ``(feature, bin)``.
        """
        rows = self._rows[members]
        loc = self._node[members] - new_ids[0]
        m = len(new_ids)
        totals = self.node_totals_of(rows, loc, m)
        ids, may_split, impurity = self.new_nodes(totals, depth, parents, is_left)
        feature, bin_, proxy, left = self.best_splits_where(rows, loc, totals, may_split)
        keep, improvement = self.accept(totals, impurity, proxy, left, may_split)
        keep, improvement = to_numpy(keep), to_numpy(improvement)
        feature, bin_ = to_numpy(feature), to_numpy(bin_)
        for j, node in enumerate(ids):
            if keep[j]:
                frontier["split"][int(node)] = (int(feature[j]), int(bin_[j]))
            frontier["improvement"][node] = improvement[j] if keep[j] else 0.0
            frontier_push(frontier["heap"], frontier["size"], frontier["improvement"], node)
            frontier["size"] += 1

    # ---- helpers --------------------------------------------------------

    def node_totals_of(self, rows, loc, m):
        """Summed statistics ``(m, S)`` of the nodes of the samples ``rows`` (node ``loc``)."""
        totals = torch.zeros((m, self.stats.shape[1]), dtype=torch.float64, device=self.device)
        return totals.index_add_(0, loc, self.stats[rows])

    def best_splits_where(self, rows, loc, totals, may_split):
        """:meth:`best_splits` over the nodes that may split (others get -inf)."""
        m, S = totals.shape
        feature = torch.zeros(m, dtype=torch.int64, device=self.device)
        bin_ = torch.zeros(m, dtype=torch.int64, device=self.device)
        proxy = torch.full((m,), -torch.inf, dtype=torch.float64, device=self.device)
        left = torch.zeros((m, S), dtype=torch.float64, device=self.device)
        idx = torch.nonzero(may_split).flatten()
        if idx.shape[0] == 0:
            return feature, bin_, proxy, left
        new_index = torch.full((m,), -1, dtype=torch.int64, device=self.device)
        new_index[idx] = torch.arange(idx.shape[0], device=self.device)
        inside = may_split[loc]
        found = self.best_splits(rows[inside], new_index[loc[inside]], totals[idx])
        feature[idx], bin_[idx], proxy[idx], left[idx] = found
        return feature, bin_, proxy, left

    def record_splits(self, ids, keep, feature, bin_):
        """Store the kept splits in the host node table."""
        keep = to_numpy(keep)
        self.table.set_splits(ids[keep], to_numpy(feature)[keep], to_numpy(bin_)[keep])

    def arrays(self, depth_first_ids):
        """The tree's arrays.

        Level-wise growth numbers its nodes depth first (left child first),
        as the depth-first routes do; best-first growth keeps the creation
        order, as the numba route and scikit-learn do.
        """
        t = self.table
        count = t.count
        parent, is_left = t.parent[:count], t.is_left[:count]
        left = np.full(count, TREE_LEAF, dtype=np.int64)
        right = np.full(count, TREE_LEAF, dtype=np.int64)
        child = np.arange(1, count)
        left[parent[child[is_left[1:]]]] = child[is_left[1:]]
        right[parent[child[~is_left[1:]]]] = child[~is_left[1:]]
        feature = t.feature[:count].copy()
        bin_ = t.bin[:count]
        threshold = np.full(count, float(TREE_UNDEFINED))
        split = feature != TREE_UNDEFINED
        threshold[split] = self.edges[feature[split], bin_[split]]
        fields = [left, right, feature, threshold, t.impurity[:count], t.n[:count], t.wn[:count], t.value[:count]]
        if depth_first_ids:
            order = preorder_keep(left, right, left == TREE_LEAF)
            new_id = np.empty(count, dtype=np.int64)
            new_id[order] = np.arange(count)
            fields = [field[order] for field in fields]
            for children in fields[:2]:
                children[children >= 0] = new_id[children[children >= 0]]
        return (count, int(t.depth[:count].max()), *fields)


class _NodeTable:
    """Host-side node records, grown by doubling, filled a batch of nodes at a time."""

    def __init__(self, n_out, K):
        self.count = 0
        self.parent = np.empty(0, dtype=np.int64)
        self.is_left = np.empty(0, dtype=np.bool_)
        self.depth = np.empty(0, dtype=np.int64)
        self.impurity = np.empty(0)
        self.n = np.empty(0, dtype=np.int64)
        self.wn = np.empty(0)
        self.value = np.empty((0, n_out, K))
        self.feature = np.empty(0, dtype=np.int64)
        self.bin = np.empty(0, dtype=np.int64)

    def _reserve(self, size):
        if size <= self.parent.shape[0]:
            return
        capacity = max(size, 2 * self.parent.shape[0], 64)
        for name, fill in (
            ("parent", -1),
            ("is_left", False),
            ("depth", 0),
            ("impurity", 0.0),
            ("n", 0),
            ("wn", 0.0),
            ("value", 0.0),
            ("feature", TREE_UNDEFINED),
            ("bin", -1),
        ):
            old = getattr(self, name)
            new = np.full((capacity,) + old.shape[1:], fill, dtype=old.dtype)
            new[: self.count] = old[: self.count]
            setattr(self, name, new)

    def add(self, parent, is_left, depth, impurity, value, n, wn):
        """Append nodes (arrays of one entry per node); return their ids."""
        m = len(parent)
        self._reserve(self.count + m)
        ids = np.arange(self.count, self.count + m)
        self.parent[ids], self.is_left[ids], self.depth[ids] = parent, is_left, depth
        self.impurity[ids], self.value[ids], self.wn[ids] = impurity, value, wn
        self.n[ids] = np.rint(n)
        self.count += m
        return ids

    def set_splits(self, ids, feature, bin_):
        """Mark the nodes ``ids`` as split at ``(feature, bin)``."""
        self.feature[ids] = feature
        self.bin[ids] = bin_


def grow_hist_torch(codes, edges, active, y, y_enc, w, crit, K, params, device):
    """Grow a tree with the histogram split search in torch on ``device``.

    Parameters
    ----------
    codes, edges : ndarray
        From :func:`._binning.bin_features` (``codes`` sample-major: the
        transpose of its feature-major codes).
    active : ndarray of int
        The positive-weight samples.
    y, y_enc, w, crit, K
        As :func:`._hist.grow_hist` (``crit`` is not the absolute error: a
        median has no histogram form).
    params : dict
        The resolved stopping rules (see ``BaseDecisionTree._resolved_params``).
    device : torch.device

    Returns
    -------
    arrays : tuple
        ``(node_count, max_depth, left, right, feature, threshold, impurity,
        n_node_samples, weighted_n_node_samples, value)``, as the numba route.
    """
    grower = _Grower(codes, edges, active, y, y_enc, w, crit, K, params, device)
    best_first = params["max_leaf_nodes"] > 0
    with _deterministic_on(device):
        if best_first:
            grower.grow_best_first(params["max_leaf_nodes"])
        else:
            grower.grow_levels()
    return grower.arrays(depth_first_ids=not best_first)
