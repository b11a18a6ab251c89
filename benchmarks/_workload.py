"""What a benchmark workload is: data, an skdl fit, a peer fit, a quality figure."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Workload:
    """One side-by-side measurement of skdl against its peer.

    Parameters
    ----------
    name : str
        Short unique name, e.g. ``"kmeans_f64"``.
    estimators : tuple of str
        The skdl estimators it measures (names from ``all_estimators``).
    make_data : callable
        ``make_data(quick) -> dict``; ``quick`` asks for a small version.
    fit_skdl : callable
        ``fit_skdl(data, device) -> fitted model``.
    fit_peer : callable
        ``fit_peer(data) -> fitted model`` (scikit-learn or imbalanced-learn).
    quality : callable
        ``quality(model, data) -> float``, computed for both models.
    quality_name : str
        What ``quality`` measures, e.g. ``"inertia"``.
    target : str
        The figure the workload must reach, shown in the report.
    needs_cuda : bool, default=False
        Only meaningful with a CUDA device (GPU speed-up targets).
    """

    name: str
    estimators: tuple
    make_data: object
    fit_skdl: object
    fit_peer: object
    quality: object
    quality_name: str
    target: str = ""
    needs_cuda: bool = False
