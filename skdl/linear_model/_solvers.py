"""Solvers for the penalised log loss: lbfgs, newton, newton-cg, proximal and sgd drivers.

Each driver takes a :class:`~._losses.Design`, targets, normalised sample
weights and a starting point ``(W0, b0)`` as tensors, and returns
``(W, b, n_iter, converged)``; an optional ``info`` dict receives what the
convergence warning reports (scipy's status, the last objective). They hold
no estimator state and do no validation; the public class does both. The
stochastic average gradient solvers are numba kernels in ``_sag.py``.
"""

import math
import warnings

import numpy as np
import torch
from scipy import linalg, optimize
from sklearn.exceptions import ConvergenceWarning

from ._losses import (
    hessian,
    hessian_product,
    loss_gradient,
    loss_value,
    pointwise_loss_grad,
    soft_threshold,
)

# The proximal solver shrinks its Lipschitz estimate by this factor after each
# iteration so the step can grow back (measured: 0.9 needs the fewest
# iterations among 0.5, 0.7, 0.9, 0.95 and 1 on breast cancer and
# make_classification).
_L_DECAY = 0.9


def _flat(W, b, fit_intercept):
    return torch.cat([W.reshape(-1), b]) if fit_intercept else W.reshape(-1)


def _unflat(x, shape, b_like, fit_intercept):
    n_w = shape[0] * shape[1]
    W = x[:n_w].reshape(shape)
    b = x[n_w:] if fit_intercept else torch.zeros_like(b_like)
    return W, b


def lbfgs(design, y, sw, W0, b0, *, binary, l2, fit_intercept, tol, max_iter, verbose=0, info=None):
    """L-BFGS-B from SciPy driving the torch objective and gradient.

    Same options as scikit-learn's ``"lbfgs"`` solver (``gtol=tol``,
    ``maxls=50``, ``ftol=64 eps``), so the iterates are the same up to
    rounding.
    """
    shape, dtype, device = W0.shape, W0.dtype, W0.device
    calls = [0]

    def fun(x):
        xt = torch.from_numpy(x).to(device=device, dtype=dtype)
        W, b = _unflat(xt, shape, b0, fit_intercept)
        value, grad_W, grad_b = loss_gradient(design, y, sw, W, b, binary=binary, l2=l2, fit_intercept=fit_intercept)
        grad = _flat(grad_W, grad_b, fit_intercept)
        return float(value), grad.detach().cpu().numpy().astype(np.float64)

    def callback(intermediate_result):
        calls[0] += 1
        if verbose:
            print(f"lbfgs iteration {calls[0]}: objective {intermediate_result.fun:.10g}")

    x0 = _flat(W0, b0, fit_intercept).cpu().numpy().astype(np.float64)
    result = optimize.minimize(
        fun,
        x0,
        method="L-BFGS-B",
        jac=True,
        callback=callback,
        options={"maxiter": max_iter, "maxls": 50, "gtol": tol, "ftol": 64 * np.finfo(float).eps},
    )
    x = torch.from_numpy(result.x).to(device=device, dtype=dtype)
    W, b = _unflat(x, shape, b0, fit_intercept)
    converged = result.status == 0
    if info is not None:
        info.update(status=int(result.status), message=str(result.message), loss=float(result.fun))
    return W, b, min(int(result.nit), max_iter), converged


def _inverse_norm1_estimate(solve, n, dtype, device):
    """Estimate ``||A^-1||_1`` of a symmetric ``A`` from solves with ``A``.

    Hager's method, as LAPACK's condition estimators use it: a few solves
    (O(n^2) each with a factorisation) instead of the inverse.
    """
    x = torch.full((n,), 1.0 / n, dtype=dtype, device=device)
    estimate = 0.0
    for k in range(5):
        y = solve(x)
        new_estimate = float(y.abs().sum())
        if k > 0 and new_estimate <= estimate:
            break
        estimate = new_estimate
        z = solve(torch.where(y >= 0, 1.0, -1.0).to(dtype))  # A symmetric: A^-T = A^-1
        j = int(z.abs().argmax())
        if k > 0 and float(z[j].abs()) <= float(z @ x):
            break
        x = torch.zeros_like(x)
        x[j] = 1.0
    return estimate


def _free_parameters(shape, fit_intercept, *, binary, penalised):
    """Indices (in ``[W.ravel(), b]`` order) of the parameters the Newton system solves for.

    The multinomial loss does not change when the same vector is added to
    every class, so its Hessian is singular along those directions: as
    scikit-learn's newton-cholesky does, the last class's intercept (and,
    without penalty, its coefficients too) is held fixed, which leaves a
    system that is non-singular unless X itself is degenerate.
    """
    n_rows, n_features = shape
    n_params = n_rows * n_features + (n_rows if fit_intercept else 0)
    keep = torch.ones(n_params, dtype=torch.bool)
    if not binary:
        if not penalised:
            keep[(n_rows - 1) * n_features : n_rows * n_features] = False
        if fit_intercept:
            keep[-1] = False
    return keep.nonzero()[:, 0]


def _newton_direction(H, grad, free):
    """The Newton step ``-H^-1 grad`` on the ``free`` parameters, by Cholesky.

    Returns ``(step, problem)``: ``problem`` is None, or the reason the
    system cannot be trusted (Cholesky fails, or the reciprocal condition
    number is below the dtype's epsilon, the test of SciPy's ``solve`` that
    scikit-learn relies on); ``step`` is then None.
    """
    free = free.to(H.device)
    H_free = H[free][:, free]
    L, info = torch.linalg.cholesky_ex(H_free)
    if int(info) != 0:
        return None, f"The leading minor of order {int(info)} is not positive definite."

    def solve(v):
        return torch.cholesky_solve(v[:, None], L)[:, 0]

    norm = float(H_free.abs().sum(dim=0).max())
    inverse_norm = _inverse_norm1_estimate(solve, H_free.shape[0], H.dtype, H.device)
    rcond = 1.0 / (norm * inverse_norm) if norm * inverse_norm > 0 else 0.0
    if not rcond >= torch.finfo(H.dtype).eps:
        return None, f"Ill-conditioned matrix (rcond={rcond:.6g}): result may not be accurate."
    step = torch.zeros_like(grad)
    step[free] = -solve(grad[free])
    return step, None


def _symmetric_step(step, shape, fit_intercept, *, penalised):
    """Remove from a multinomial step its part along the flat directions.

    Adding the same vector to every class changes no probability, so the
    step found with the last class held fixed is moved to the symmetric
    solution (intercepts, and without penalty coefficients, summing to zero
    over classes) that scikit-learn's solvers return.
    """
    W_step, b_step = _unflat(step, shape, step[:0], fit_intercept)
    if not penalised:
        W_step = W_step - W_step.mean(dim=0, keepdim=True)
    if fit_intercept:
        b_step = b_step - b_step.mean()
    return _flat(W_step, b_step, fit_intercept)


# scikit-learn's backtracking: halve the step at most 20 times (t >= 2**-20).
_LINE_SEARCH_TRIES = 21


def _singular_hessian_message(iteration, problem):
    return (
        "The inner solver of NewtonCholeskySolver stumbled upon a singular or very "
        f"ill-conditioned Hessian matrix at iteration {iteration}. It will now resort "
        "to lbfgs instead.\nFurther options are to use another solver or to avoid such "
        "situation in the first place. Possible remedies are removing collinear features "
        "of X or increasing the penalization strengths.\nThe original Linear Algebra "
        "message was:\n" + problem
    )


def _fallback_to_lbfgs(design, y, sw, W, b, *, n_done, max_iter, info, **kwargs):
    """Finish a Newton fit with lbfgs from its current iterate, as scikit-learn does.

    scikit-learn gives lbfgs ``max_iter - iteration`` iterations, its
    iteration being 1-based and counting the Newton iteration that gave up,
    and reports the Newton iterations done plus those of lbfgs.
    """
    budget = max_iter - n_done - 1
    lbfgs_info = {}
    W, b, lbfgs_iter, converged = lbfgs(design, y, sw, W, b, max_iter=budget, info=lbfgs_info, **kwargs)
    if info is not None:
        info.update(lbfgs_info, fallback="lbfgs", lbfgs_n_iter=lbfgs_iter, lbfgs_max_iter=budget)
    return W, b, n_done + lbfgs_iter, converged


def newton(design, y, sw, W0, b0, *, binary, l2, fit_intercept, tol, max_iter, verbose=0, info=None):
    """Newton's method with the exact Hessian (Cholesky) and an Armijo line search.

    Stops when the largest absolute gradient entry is at most ``tol`` (the
    criterion of the lbfgs solver). As scikit-learn's newton-cholesky, it
    falls back to lbfgs from the current iterate when the Hessian is
    singular or very ill-conditioned (LinAlgWarning), when the Newton step
    is not a descent direction, or when the line search fails
    (ConvergenceWarning); ``info["fallback"]`` then says so.
    """
    shape = W0.shape
    kwargs = dict(binary=binary, l2=l2)
    free = _free_parameters(shape, fit_intercept, binary=binary, penalised=l2 > 0)
    W, b = W0.clone(), b0.clone()
    n_iter, converged = 0, False

    def fallback():
        if verbose:
            print(f"newton iteration {n_iter}: resorting to lbfgs")
        return _fallback_to_lbfgs(
            design,
            y,
            sw,
            W,
            b,
            n_done=n_iter,
            max_iter=max_iter,
            info=info,
            fit_intercept=fit_intercept,
            tol=tol,
            verbose=verbose,
            **kwargs,
        )

    for n_iter in range(max_iter + 1):
        value, grad_W, grad_b = loss_gradient(design, y, sw, W, b, fit_intercept=fit_intercept, **kwargs)
        grad = _flat(grad_W, grad_b, fit_intercept)
        if verbose:
            print(f"newton iteration {n_iter}: objective {float(value):.10g}")
        if float(grad.abs().max()) <= tol:
            converged = True
            break
        if n_iter == max_iter:
            break
        H = hessian(design, y, sw, W, b, fit_intercept=fit_intercept, **kwargs)
        step, problem = _newton_direction(H, grad, free)
        if problem is not None:
            warnings.warn(_singular_hessian_message(n_iter + 1, problem), linalg.LinAlgWarning, stacklevel=2)
            return fallback()
        if not binary:
            step = _symmetric_step(step, shape, fit_intercept, penalised=l2 > 0)
        slope = float(grad @ step)
        # Near the optimum rounding can make the step useless: that is convergence.
        at_rounding_level = float(grad.abs().max()) <= 10 * tol
        if slope >= 0:  # not a descent direction
            if at_rounding_level:
                converged = True
                break
            return fallback()
        x = _flat(W, b, fit_intercept)
        # Near the optimum the decrease is at rounding level: allow for it.
        allowance = 16 * torch.finfo(x.dtype).eps * abs(float(value))
        t = 1.0
        for _ in range(_LINE_SEARCH_TRIES):
            W_new, b_new = _unflat(x + t * step, shape, b, fit_intercept)
            new_value = float(loss_value(design, y, sw, W_new, b_new, **kwargs))
            if new_value <= float(value) + 1e-4 * t * slope + allowance:
                break
            t *= 0.5
        else:
            if at_rounding_level:
                converged = True
                break
            warnings.warn(
                "Line search of Newton solver NewtonCholeskySolver at iteration "
                f"#{n_iter + 1} did not converge after {_LINE_SEARCH_TRIES} line search "
                "refinement iterations. It will now resort to lbfgs instead.",
                ConvergenceWarning,
                stacklevel=2,
            )
            return fallback()
        W, b = W_new, b_new
    return W, b, n_iter, converged


def _conjugate_gradient(product, grad, *, max_iter, tol):
    """Approximately solve ``H d = -grad`` by conjugate gradient from ``d = 0``.

    scikit-learn's inner loop (``sklearn.utils.optimize._cg``): stop when the
    residual's L1 norm is at most ``tol``, on (near) zero curvature (capped
    CG), or on negative curvature, falling back to steepest descent if that
    happens at the first iteration.
    """
    step = torch.zeros_like(grad)
    residual = grad.clone()
    direction = -residual
    rr = residual @ residual
    direction_norm2 = rr
    eps = 16 * torch.finfo(grad.dtype).eps
    for i in range(max_iter + 1):
        if float(residual.abs().sum()) <= tol:
            break
        Hp = product(direction)
        curvature = direction @ Hp
        if 0 <= float(curvature) <= eps * float(direction_norm2):
            break
        if float(curvature) < 0:
            if i == 0:
                step = step + rr / curvature * direction
            break
        alpha = rr / curvature
        step = step + alpha * direction
        residual = residual + alpha * Hp
        rr_new = residual @ residual
        beta = rr_new / rr
        direction = -residual + beta * direction
        direction_norm2 = rr_new + beta * beta * direction_norm2
        rr = rr_new
    return step


def newton_cg(
    design,
    y,
    sw,
    W0,
    b0,
    *,
    binary,
    l2,
    fit_intercept,
    tol,
    max_iter,
    max_inner=200,
    verbose=0,
    info=None,
):
    """Truncated Newton: conjugate gradient on Hessian-vector products.

    Each outer iteration solves the Newton system ``H d = -g`` inexactly, to
    the forcing tolerance ``min(0.5, sqrt(|g|_1)) |g|_1`` of scikit-learn's
    ``newton-cg``, with products ``H v`` from :func:`~._losses.hessian_product`
    (two passes over X, no Hessian formed), then backtracks along ``d``
    (Armijo). Stops when the largest absolute gradient entry is at most
    ``tol``, scikit-learn's criterion. Runs on whatever device the tensors
    are on.
    """
    shape = W0.shape
    kwargs = dict(binary=binary, l2=l2)

    def value_grad(x):
        W, b = _unflat(x, shape, b0, fit_intercept)
        value, grad_W, grad_b = loss_gradient(design, y, sw, W, b, fit_intercept=fit_intercept, **kwargs)
        return float(value), _flat(grad_W, grad_b, fit_intercept)

    x = _flat(W0, b0, fit_intercept).clone()
    value, grad = value_grad(x)
    n_iter, converged = 0, False
    while True:
        if verbose:
            print(f"newton-cg iteration {n_iter}: objective {value:.10g}")
        if float(grad.abs().max()) <= tol:
            converged = True
            break
        if n_iter >= max_iter:
            break
        W, b = _unflat(x, shape, b0, fit_intercept)
        hess = hessian_product(design, y, sw, W, b, fit_intercept=fit_intercept, **kwargs)

        def product(v):
            V_W, v_b = _unflat(v, shape, b0, fit_intercept)
            H_W, h_b = hess(V_W, v_b)
            return _flat(H_W, h_b, fit_intercept)

        grad_l1 = float(grad.abs().sum())
        step = _conjugate_gradient(product, grad, max_iter=max_inner, tol=min(0.5, math.sqrt(grad_l1)) * grad_l1)
        if not binary:
            step = _symmetric_step(step, shape, fit_intercept, penalised=l2 > 0)
        slope = float(grad @ step)
        if slope >= 0:  # rounding noise at the optimum: take the gradient instead
            step, slope = -grad, -float(grad @ grad)
        allowance = 16 * torch.finfo(x.dtype).eps * abs(value)
        t = 1.0
        while True:
            new_value, new_grad = value_grad(x + t * step)
            if new_value <= value + 1e-4 * t * slope + allowance:
                break
            t *= 0.5
            if t < 1e-10:
                break
        if t < 1e-10:  # no decrease: at the optimum up to rounding
            converged = float(grad.abs().max()) <= 10 * tol
            break
        x, value, grad = x + t * step, new_value, new_grad
        n_iter += 1
    if info is not None:
        info["loss"] = value
    W, b = _unflat(x, shape, b0, fit_intercept)
    return W, b, n_iter, converged


def proximal(design, y, sw, W0, b0, *, binary, l1, l2, fit_intercept, tol, max_iter, verbose=0, info=None):
    """Accelerated proximal gradient (FISTA) with backtracking and restarts.

    The smooth part (log loss + L2) takes a gradient step, the L1 part its
    proximal step (soft-thresholding), which gives exact zeros. Momentum
    restarts when it points uphill (O'Donoghue and Candes' gradient scheme).
    Stops when the largest entry of the gradient mapping ``L (y - x+)`` is at
    most ``tol``; at a smooth point this is the largest gradient entry, the
    criterion of the other solvers.
    """
    kwargs = dict(binary=binary, l2=l2)
    W, b = W0.clone(), b0.clone()
    yW, yb = W, b
    t, L = 1.0, 1.0
    n_iter, converged = 0, False
    for n_iter in range(1, max_iter + 1):
        f_y, g_W, g_b = loss_gradient(design, y, sw, yW, yb, fit_intercept=fit_intercept, **kwargs)
        f_y = float(f_y)
        while True:
            W_new = soft_threshold(yW - g_W / L, l1 / L) if l1 > 0 else yW - g_W / L
            b_new = yb - g_b / L
            dW, db = W_new - yW, b_new - yb
            f_new = float(loss_value(design, y, sw, W_new, b_new, **kwargs))
            quad = f_y + float((g_W * dW).sum() + (g_b * db).sum())
            quad += 0.5 * L * float((dW * dW).sum() + (db * db).sum())
            if f_new <= quad + 1e-12 * abs(f_y) or L > 1e30:
                break
            L *= 2.0
        residual = L * max(float(dW.abs().max()), float(db.abs().max()) if db.numel() else 0.0)
        if verbose:
            print(f"proximal iteration {n_iter}: smooth objective {f_new:.10g}, residual {residual:.3g}")
        # Gradient restart: momentum that points uphill is dropped.
        uphill = float(((yW - W_new) * (W_new - W)).sum() + ((yb - b_new) * (b_new - b)).sum()) > 0
        t_new = 1.0 if uphill else 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
        momentum = (t - 1.0) / t_new
        yW = W_new + momentum * (W_new - W)
        yb = b_new + momentum * (b_new - b)
        W, b, t = W_new, b_new, t_new
        L *= _L_DECAY  # let the step grow back where the curvature is lower
        if residual <= tol:
            converged = True
            break
    return W, b, n_iter, converged


# --- mini-batch stochastic gradient ----------------------------------------

_OPTIMIZERS = {
    "sgd": lambda params, lr: torch.optim.SGD(params, lr=lr),
    "momentum": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
    "nesterov": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True),
    "adagrad": lambda params, lr: torch.optim.Adagrad(params, lr=lr),
    "adadelta": lambda params, lr: torch.optim.Adadelta(params, lr=lr),
    "rmsprop": lambda params, lr: torch.optim.RMSprop(params, lr=lr),
    "adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
}

_SCHEDULES = {
    "constant": lambda t, decay, step, horizon: 1.0,
    "step": lambda t, decay, step, horizon: decay ** (t // step),
    "exponential": lambda t, decay, step, horizon: decay**t,
    "inverse_time": lambda t, decay, step, horizon: 1.0 / (1.0 + decay * t),
    "cosine": lambda t, decay, step, horizon: 0.5 * (1.0 + math.cos(math.pi * min(t, horizon) / horizon)),
}


def learning_rate_at(epoch, *, learning_rate, lr_schedule, lr_decay, lr_step_size, warmup_epochs, max_iter):
    """Learning rate of an epoch (0-based): linear warm-up, then the schedule.

    During the first ``warmup_epochs`` epochs the rate grows linearly to
    ``learning_rate``; the schedule then starts from epoch 0.
    """
    if epoch < warmup_epochs:
        return learning_rate * (epoch + 1) / (warmup_epochs + 1)
    t = epoch - warmup_epochs
    horizon = max(max_iter - warmup_epochs, 1)
    return learning_rate * _SCHEDULES[lr_schedule](t, lr_decay, lr_step_size, horizon)


class SGDDivergedError(ValueError):
    """The stochastic optimizer produced a non-finite loss or coefficient."""


def sgd(
    X,
    y,
    sw,
    W0,
    b0,
    *,
    binary,
    l1,
    l2,
    fit_intercept,
    tol,
    max_iter,
    optimizer,
    learning_rate,
    lr_schedule,
    lr_decay,
    lr_step_size,
    warmup_epochs,
    batch_size,
    n_iter_no_change,
    validation=None,
    generator=None,
    verbose=0,
):
    """Mini-batch stochastic gradient training of the log loss.

    ``X`` is a dense tensor; ``sw`` are sample weights scaled to mean 1, so a
    batch's weighted mean loss estimates the full data term. The L1 part of
    the penalty takes a proximal step (soft-thresholding by ``lr * l1``)
    after each update. Stops when the epoch loss (or, with ``validation``,
    the validation accuracy) has not improved by ``tol`` for
    ``n_iter_no_change`` epochs; with validation the best coefficients seen
    are returned.

    Returns
    -------
    W, b, n_iter, converged, loss_curve, validation_scores
    """
    if max_iter == 0:  # the starting point, for inspection
        return W0.clone(), b0.clone(), 0, False, [], []
    W = W0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    params = [W, b] if fit_intercept else [W]
    opt = _OPTIMIZERS[optimizer](params, learning_rate)
    n = X.shape[0]
    with torch.no_grad():
        loss0, _ = pointwise_loss_grad(X @ W.T + b, y, binary)
        initial_loss = float(loss0 @ sw) / n + 0.5 * l2 * float((W * W).sum()) + l1 * float(W.abs().sum())
    loss_curve, validation_scores = [], []
    best_loss, best_score, no_improve = math.inf, -math.inf, 0
    best_params = None
    converged = False
    epoch = 0
    for epoch in range(max_iter):
        lr = learning_rate_at(
            epoch,
            learning_rate=learning_rate,
            lr_schedule=lr_schedule,
            lr_decay=lr_decay,
            lr_step_size=lr_step_size,
            warmup_epochs=warmup_epochs,
            max_iter=max_iter,
        )
        for group in opt.param_groups:
            group["lr"] = lr
        order = torch.randperm(n, generator=generator, device="cpu").to(X.device)
        epoch_loss = torch.zeros((), dtype=X.dtype, device=X.device)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            Xb, yb, swb = X[idx], y[idx], sw[idx] / idx.shape[0]
            with torch.no_grad():
                Z = Xb @ W.T + b
                loss, dZ = pointwise_loss_grad(Z, yb, binary)
                dZ = dZ * swb[:, None]
                W.grad = dZ.T @ Xb + l2 * W
                if fit_intercept:
                    b.grad = dZ.sum(dim=0)
                epoch_loss += (loss @ swb) * (idx.shape[0] / n)
            opt.step()
            if l1 > 0:
                with torch.no_grad():
                    W.copy_(soft_threshold(W, lr * l1))
        with torch.no_grad():
            epoch_loss = float(epoch_loss) + 0.5 * l2 * float((W * W).sum()) + l1 * float(W.abs().sum())
            finite = math.isfinite(epoch_loss) and bool(torch.isfinite(W).all()) and bool(torch.isfinite(b).all())
        if not finite:
            raise SGDDivergedError(
                f"The sgd solver diverged at epoch {epoch + 1}: the loss or the coefficients "
                f"became non-finite. Lower learning_rate (currently {learning_rate}) or scale "
                "the data, e.g. with StandardScaler."
            )
        loss_curve.append(epoch_loss)
        if validation is not None:
            X_val, y_val, sw_val = validation
            with torch.no_grad():
                Z = X_val @ W.T + b
                pred = (Z[:, 0] > 0).to(torch.int64) if binary else Z.argmax(dim=1)
                target = y_val.to(torch.int64)
                score = float(((pred == target).to(sw_val.dtype) @ sw_val) / sw_val.sum())
            validation_scores.append(score)
            if score > best_score:
                best_params = (W.detach().clone(), b.detach().clone())
            no_improve = no_improve + 1 if score < best_score + tol else 0
            best_score = max(best_score, score)
        else:
            no_improve = no_improve + 1 if epoch_loss > best_loss - tol else 0
            best_loss = min(best_loss, epoch_loss)
        if verbose:
            extra = f", validation accuracy {validation_scores[-1]:.4f}" if validation is not None else ""
            print(f"sgd epoch {epoch + 1}: loss {epoch_loss:.8g}, lr {lr:.3g}{extra}")
        if no_improve >= n_iter_no_change:
            converged = True
            break
    if loss_curve[-1] > initial_loss:
        warnings.warn(
            f"The sgd solver diverged: its final training loss {loss_curve[-1]:.6g} is above "
            f"the loss {initial_loss:.6g} of its starting point. Lower learning_rate "
            f"(currently {learning_rate}) or scale the data, e.g. with StandardScaler.",
            ConvergenceWarning,
            stacklevel=4,
        )
    W, b = W.detach(), b.detach()
    if best_params is not None:
        W, b = best_params
    return W, b, epoch + 1, converged, loss_curve, validation_scores
