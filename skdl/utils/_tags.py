"""scikit-learn's estimator tags, plus the checks an estimator is known to fail."""

from dataclasses import dataclass, field, fields

from sklearn.utils import Tags


@dataclass(slots=True)
class SkdlTags(Tags):
    """scikit-learn's :class:`~sklearn.utils.Tags` with ``xfail_checks``.

    Attributes
    ----------
    xfail_checks : dict
        ``{check name: reason}`` for each scikit-learn estimator check the
        estimator is known to fail, with the reason written out. The common
        tests mark exactly these as expected failures.
    """

    xfail_checks: dict = field(default_factory=dict)


def with_xfail_checks(tags, checks):
    """Return ``tags`` as :class:`SkdlTags` with ``checks`` added to ``xfail_checks``.

    Parameters
    ----------
    tags : sklearn.utils.Tags
    checks : dict
        ``{check name: reason}``.

    Returns
    -------
    tags : SkdlTags
    """
    values = {f.name: getattr(tags, f.name) for f in fields(Tags)}
    known = dict(getattr(tags, "xfail_checks", {}))
    return SkdlTags(**values, xfail_checks={**known, **checks})
