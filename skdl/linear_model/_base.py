"""What skdl's linear classifiers share: the linear predictor and the decided class."""

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.utils.validation import check_is_fitted

from .._device import resolve_device, to_numpy, to_tensor
from ..utils._sklearn_compat import validate_data
from ..utils._threads import one_torch_thread
from ._losses import Design, raw_prediction


class LinearClassifierMixin:
    """``decision_function`` and ``predict`` of a linear classifier, on its device.

    For classes with fitted ``coef_`` (n_classes or 1, n_features),
    ``intercept_``, ``classes_`` and a ``device`` parameter; the scores
    ``X @ coef_.T + intercept_`` are computed by the same tensor code as in
    fitting, on the estimator's device (the CPU when CUDA is gone).
    """

    def _raw(self, X):
        """Validated X and its linear predictor as a tensor."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False)
        device = resolve_device(self.device, fallback_to_cpu=True)
        design = Design(X, device)
        coef = self.coef_.toarray() if sp.issparse(self.coef_) else self.coef_
        W = to_tensor(coef, device, dtype=X.dtype)
        b = to_tensor(self.intercept_, device, dtype=X.dtype)
        # One thread: a (n, n_classes) product is memory-bound, and torch's
        # threads lose more than they gain on a busy machine.
        with one_torch_thread(device):
            return raw_prediction(design, W, b)

    def decision_function(self, X):
        """Confidence score of each sample: its linear predictor.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the score of ``classes_[1]`` (positive means
            that class); otherwise one column per class.
        """
        Z = to_numpy(self._raw(X))
        return Z[:, 0] if len(self.classes_) == 2 else Z

    def predict(self, X):
        """Predict the class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]

    def _predict_proba_lr(self, X):
        """One-vs-rest probabilities: each class's sigmoid, normalised over the classes.

        scikit-learn's linear classifiers have this private method (liblinear's
        ``predict_probability``); its code and scikit-learn's tests call it.
        Rows whose sigmoids all underflow to 0 get uniform probabilities.
        """
        prob = expit(self.decision_function(X))
        if prob.ndim == 1:
            return np.stack([1 - prob, prob], axis=1)
        total = prob.sum(axis=1, keepdims=True)
        all_zero = total[:, 0] == 0
        prob[all_zero] = 1.0
        total[all_zero] = prob.shape[1]
        return prob / total


class SparseCoefMixin:
    """``sparsify`` / ``densify`` of ``coef_``, as scikit-learn's linear models have."""

    def densify(self):
        """Convert the coefficient matrix to a dense array (the format ``fit`` gives).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        check_is_fitted(self, msg="Estimator, %(name)s, must be fitted before densifying.")
        if sp.issparse(self.coef_):
            self.coef_ = self.coef_.toarray()
        return self

    def sparsify(self):
        """Convert the coefficient matrix to a scipy CSR matrix.

        Worth it when most coefficients are zero (an L1 penalty); predicting
        gives the same results. Call :meth:`densify` before refitting with
        ``warm_start`` if dense coefficients are wanted back.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        check_is_fitted(self, msg="Estimator, %(name)s, must be fitted before sparsifying.")
        self.coef_ = sp.csr_matrix(self.coef_)
        return self
