"""The log loss of logistic regression, its gradient and Hessian, on tensors.

Parameters are a weight matrix ``W`` of shape ``(n_rows, n_features)`` and an
intercept ``b`` of shape ``(n_rows,)``; ``n_rows`` is 1 for a binary problem
(the sigmoid of ``X @ W[0] + b[0]`` is the probability of the second class)
and ``n_classes`` for a multinomial one (the symmetric, over-parametrised
softmax, as in scikit-learn). The objective is scikit-learn's::

    f(W, b) = sum_i s_i loss_i / S + (1 / (C S)) * ((1 - r) / 2 ||W||^2 + r |W|_1)

with ``S = sum_i s_i``; it has the same minimiser as ``C sum_i s_i loss_i +
penalty``. The intercept is never penalised. The functions here compute the
data term and the smooth (L2) part of the penalty; the L1 part belongs to the
proximal solver.

Every function keeps the dtype and device of its inputs and never writes into
them.
"""

import warnings

import numpy as np
import torch
import torch.nn.functional as F

from .._device import to_tensor
from . import _loss_kernels

# When the one-pass kernels pay (measured on a 2-core CPU, one thread, float64):
# X must be too large to stay cached between the two passes of the tensor code
# (at 20,000 x 20-50, 8 MiB at most, torch was as fast or up to 3x faster; at
# 100,000 x 50 x 10 classes the kernels took 0.79x its time, 0.38x for a
# Hessian product). The binary gradient also needs rows long enough for the
# dot product to outweigh the row's scalar exp and log1p (torch's are
# vectorised): at 160,000 x 50 the two were even, at 500,000 x 200 the
# kernel took 0.42x torch's time.
FUSED_MIN_BYTES = 8 * 2**20
FUSED_BINARY_MIN_FEATURES = 100


class Design:
    """The design matrix X as a dense tensor or a sparse CSR tensor.

    Sparse X keeps its transpose as a second CSR tensor so both products the
    solvers need are CSR times dense. Dense X on the CPU of at least
    :data:`FUSED_MIN_BYTES` also keeps its NumPy view, ``rows``, for the
    one-pass kernels of ``_loss_kernels.py`` (None otherwise).

    Parameters
    ----------
    X : ndarray or scipy.sparse CSR matrix
        Validated data in its compute dtype.
    device : torch.device
    """

    def __init__(self, X, device):
        self.sparse = hasattr(X, "tocsr")
        self.shape = X.shape
        if self.sparse:
            self.X = _csr_tensor(X.tocsr(), device)
            self.XT = _csr_tensor(X.T.tocsr(), device)
            self.dtype = self.X.dtype
        else:
            self.X = to_tensor(X, device)
            self.XT = None
            self.dtype = self.X.dtype
        large = not self.sparse and X.nbytes >= FUSED_MIN_BYTES
        self.rows = self.X.numpy() if large and self.X.device.type == "cpu" else None
        self.device = device

    def matmul(self, W):
        """``X @ W.T`` for ``W`` of shape (k, n_features): shape (n_samples, k)."""
        if self.sparse:
            return self.X @ W.T.contiguous()
        return self.X @ W.T

    def rmatmul(self, G):
        """``G.T @ X`` for ``G`` of shape (n_samples, k): shape (k, n_features)."""
        if self.sparse:
            return (self.XT @ G).T
        return G.T @ self.X


def _csr_tensor(X, device):
    """A scipy CSR matrix as a torch sparse CSR tensor on ``device``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "beta state" notice
        tensor = torch.sparse_csr_tensor(
            torch.from_numpy(X.indptr.astype(np.int64)),
            torch.from_numpy(X.indices.astype(np.int64)),
            torch.from_numpy(np.ascontiguousarray(X.data)),
            size=X.shape,
        )
    return tensor.to(device)


def raw_prediction(design, W, b):
    """Linear predictor ``X @ W.T + b``, shape (n_samples, n_rows)."""
    if not design.sparse:
        return torch.addmm(b, design.X, W.T)
    return design.matmul(W) + b


def pointwise_loss_grad(Z, y, binary):
    """Per-sample log loss and its derivative with respect to the predictor.

    Parameters
    ----------
    Z : tensor of shape (n_samples, n_rows)
        Linear predictor.
    y : tensor
        Binary: float targets in {0, 1}, shape (n_samples,). Multinomial:
        int64 class indices, shape (n_samples,).
    binary : bool

    Returns
    -------
    loss : tensor of shape (n_samples,)
    dZ : tensor of shape (n_samples, n_rows)
        ``sigmoid(z) - y`` or ``softmax(z) - onehot(y)``.
    """
    if binary:
        z = Z[:, 0]
        # softplus(z) - y z = log(1 + exp(z)) - y z, overflow-free.
        loss = F.softplus(z) - y * z
        dZ = (torch.sigmoid(z) - y)[:, None]
        return loss, dZ
    # log-sum-exp with the max shift: extreme logits never overflow.
    shift = Z.amax(dim=1, keepdim=True)
    dZ = torch.exp(Z - shift)
    total = dZ.sum(dim=1, keepdim=True)
    loss = (shift + torch.log(total))[:, 0] - Z.gather(1, y[:, None])[:, 0]
    dZ.div_(total)
    dZ.scatter_add_(1, y[:, None], torch.full_like(dZ[:, :1], -1.0))
    return loss, dZ


def loss_gradient(design, y, sw, W, b, *, binary, l2, fit_intercept):
    """Objective (data term + L2 part) and its gradient.

    Parameters
    ----------
    design : Design
    y : tensor
        See :func:`pointwise_loss_grad`.
    sw : tensor of shape (n_samples,)
        Sample weights divided by their sum.
    W : tensor of shape (n_rows, n_features)
    b : tensor of shape (n_rows,)
    binary : bool
    l2 : float
        Strength of ``l2 / 2 * ||W||^2``.
    fit_intercept : bool

    Returns
    -------
    value : tensor (0-d)
    grad_W : tensor of shape (n_rows, n_features)
    grad_b : tensor of shape (n_rows,)
        Zeros when ``fit_intercept`` is False.
    """
    if design.rows is not None and (not binary or design.shape[1] >= FUSED_BINARY_MIN_FEATURES):
        value, grad_W, grad_b = _fused_loss_gradient(design.rows, y, sw, W, b, binary=binary)
    else:
        Z = raw_prediction(design, W, b)
        if binary:
            # Fused form of sum_i sw_i (softplus(z_i) - y_i z_i) and its gradient.
            z = Z[:, 0]
            ysw = y * sw
            value = F.softplus(z) @ sw - ysw @ z
            dz = torch.sigmoid(z).mul_(sw).sub_(ysw)
            dZ = dz[:, None]
        else:
            loss, dZ = pointwise_loss_grad(Z, y, binary)
            value = loss @ sw
            dZ.mul_(sw[:, None])
        grad_W = design.rmatmul(dZ)
        grad_b = dZ.sum(dim=0)
    if l2 > 0:
        value = value + 0.5 * l2 * (W * W).sum()
        grad_W = grad_W + l2 * W
    if not fit_intercept:
        grad_b = torch.zeros_like(b)
    return value, grad_W, grad_b


def _numpy(tensor):
    """A CPU tensor's values as a C-contiguous array (a view when it already is one)."""
    return np.ascontiguousarray(tensor.detach().numpy())


def _fused_loss_gradient(rows, y, sw, W, b, *, binary):
    """The data term and its gradient by the one-pass kernels; tensors of W's dtype."""
    W_, b_, y_, sw_ = _numpy(W), _numpy(b), _numpy(y), _numpy(sw)
    if binary:
        value, grad_w, grad_b = _loss_kernels.binary_loss_gradient(
            rows, W_[0], b_[0], y_, sw_, _loss_kernels.block_rows(rows.shape[1])
        )
        grad_W, grad_b = grad_w[None, :], np.array([grad_b])
    else:
        value, grad_W, grad_b = _loss_kernels.multinomial_loss_gradient(
            rows, W_, b_, y_, sw_, _loss_kernels.block_rows(rows.shape[1])
        )
    return (
        torch.tensor(value, dtype=W.dtype),
        torch.from_numpy(grad_W).to(W.dtype),
        torch.from_numpy(grad_b).to(W.dtype),
    )


def loss_value(design, y, sw, W, b, *, binary, l2):
    """Objective (data term + L2 part) only."""
    loss, _ = pointwise_loss_grad(raw_prediction(design, W, b), y, binary)
    value = loss @ sw
    if l2 > 0:
        value = value + 0.5 * l2 * (W * W).sum()
    return value


def hessian(design, y, sw, W, b, *, binary, l2, fit_intercept):
    """Exact Hessian of the objective.

    The parameters are ordered ``[W.ravel(), b]`` (the intercept block only
    when ``fit_intercept``). For the multinomial loss the Hessian of sample i
    is ``(diag(p_i) - p_i p_i^T) kron x_i x_i^T``.

    Returns
    -------
    H : tensor of shape (n_params, n_params)
    """
    # The exact Hessian is for few features: a sparse X is densified here.
    X = design.X.to_dense() if design.sparse else design.X
    Z = raw_prediction(design, W, b)
    if fit_intercept:
        X = torch.cat([X, torch.ones_like(X[:, :1])], dim=1)
    n_rows, n_feat = W.shape[0], X.shape[1]
    if binary:
        p = torch.sigmoid(Z[:, 0])
        H = X.T @ (X * (sw * p * (1 - p))[:, None])
        blocks = [[H]]
    else:
        P = torch.softmax(Z, dim=1)
        blocks = [[None] * n_rows for _ in range(n_rows)]
        for k in range(n_rows):
            for j in range(k, n_rows):
                d = -P[:, k] * P[:, j]
                if j == k:
                    d = d + P[:, k]
                block = X.T @ (X * (sw * d)[:, None])
                blocks[k][j] = block
                blocks[j][k] = block
    H = torch.cat([torch.cat(row, dim=1) for row in blocks], dim=0)
    n_features = W.shape[1]
    # Reorder from class-major [(w_k, b_k) for k] to [W.ravel(), b].
    idx = torch.arange(n_rows * n_feat, device=H.device).reshape(n_rows, n_feat)
    order = idx[:, :n_features].reshape(-1)
    if fit_intercept:
        order = torch.cat([order, idx[:, n_features]])
    H = H[order][:, order]
    if l2 > 0:
        diag = torch.zeros(H.shape[0], dtype=H.dtype, device=H.device)
        diag[: n_rows * n_features] = l2
        H = H + torch.diag(diag)
    return H


def hessian_product(design, y, sw, W, b, *, binary, l2, fit_intercept):
    """Hessian-vector products of the objective at ``(W, b)``, no Hessian formed.

    The per-sample curvature (``p (1 - p)``, or the softmax probabilities) is
    computed once; each product then costs two passes over X (sparse, or on a
    GPU) or one (dense on the CPU, :mod:`._loss_kernels`).

    Returns
    -------
    product : callable
        ``product(V_W, v_b) -> (H_W, h_b)``: the Hessian applied to the
        direction ``(V_W, v_b)`` (shapes of ``W`` and ``b``); ``h_b`` is zeros
        when ``fit_intercept`` is False.
    """
    Z = raw_prediction(design, W, b)
    if binary:
        p = torch.sigmoid(Z[:, 0])
        curvature = (sw * p * (1 - p))[:, None]
    else:
        P = torch.softmax(Z, dim=1)

    def product(V_W, v_b):
        if design.rows is not None:
            H_W, h_b = _fused_hessian_product(design.rows, V_W, v_b if fit_intercept else torch.zeros_like(v_b))
        else:
            U = design.matmul(V_W)
            if fit_intercept:
                U = U + v_b
            if binary:
                R = curvature * U
            else:
                # (diag(p) - p p^T) u for each sample, weighted.
                PU = P * U
                R = (PU - P * PU.sum(dim=1, keepdim=True)) * sw[:, None]
            H_W, h_b = design.rmatmul(R), R.sum(dim=0)
        if l2 > 0:
            H_W = H_W + l2 * V_W
        return H_W, h_b if fit_intercept else torch.zeros_like(v_b)

    def _fused_hessian_product(rows, V_W, v_b):
        """The product by the one-pass kernels; tensors of ``V_W``'s dtype."""
        V_, v_b_ = _numpy(V_W), _numpy(v_b)
        if binary:
            h_w, h_b = _loss_kernels.binary_hessian_product(
                rows, curvature_, V_[0], v_b_[0], _loss_kernels.block_rows(rows.shape[1])
            )
            H_W, h_b = h_w[None, :], np.array([h_b])
        else:
            H_W, h_b = _loss_kernels.multinomial_hessian_product(
                rows, P_, sw_, V_, v_b_, _loss_kernels.block_rows(rows.shape[1])
            )
        return torch.from_numpy(H_W).to(V_W.dtype), torch.from_numpy(h_b).to(V_W.dtype)

    if design.rows is not None:
        curvature_ = _numpy(curvature[:, 0]) if binary else None
        P_, sw_ = (None, None) if binary else (_numpy(P), _numpy(sw))
    return product


def soft_threshold(W, threshold):
    """Proximal operator of ``threshold * |W|_1``: exact zeros below the threshold."""
    return torch.sign(W) * torch.clamp(W.abs() - threshold, min=0)


def predict_proba(Z, binary):
    """Class probabilities from the linear predictor, shape (n_samples, n_classes)."""
    if binary:
        p = torch.sigmoid(Z[:, 0])
        return torch.stack([1 - p, p], dim=1)
    return torch.softmax(Z, dim=1)


def predict_log_proba(Z, binary):
    """Log-probabilities from the linear predictor, computed without log(0)."""
    if binary:
        z = Z[:, 0]
        return torch.stack([-F.softplus(z), -F.softplus(-z)], dim=1)
    return torch.log_softmax(Z, dim=1)
