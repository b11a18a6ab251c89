"""The random samplers on pandas DataFrames: imbalanced-learn's output, index and dtypes kept."""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler as ImbalancedOverSampler
from imblearn.under_sampling import RandomUnderSampler as ImbalancedUnderSampler

from skdl.over_sampling import RandomOverSampler
from skdl.under_sampling import RandomUnderSampler


def _frame():
    return pd.DataFrame(
        {
            "amount": np.arange(30.0),
            "when": pd.date_range("2020-01-01", periods=30, freq="D"),
            "shop": pd.Categorical(list("abc") * 10),
            "note": [f"row {i}" for i in range(30)],
        },
        index=np.arange(100, 130),
    )


@pytest.mark.parametrize(
    "ours, theirs",
    [(RandomUnderSampler, ImbalancedUnderSampler), (RandomOverSampler, ImbalancedOverSampler)],
)
def test_frames_resampled_as_imbalanced_learn(ours, theirs):
    X, y = _frame(), np.array([0] * 22 + [1] * 8)
    X_ours, y_ours = ours(random_state=0).fit_resample(X, y)
    X_theirs, y_theirs = theirs(random_state=0).fit_resample(X, y)
    pd.testing.assert_frame_equal(X_ours, X_theirs)  # values, index, column dtypes
    np.testing.assert_array_equal(y_ours, y_theirs)
    assert X_ours["when"].dtype.kind == "M" and isinstance(X_ours["shop"].dtype, pd.CategoricalDtype)


def test_under_sampled_frame_keeps_the_rows_index():
    X, y = _frame(), np.array([0] * 22 + [1] * 8)
    sampler = RandomUnderSampler(random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res.index, X.index[sampler.sample_indices_])
