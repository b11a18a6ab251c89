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


# scikit-learn's tag fields, read once: tags are built on every fitted check
# and validation, so on every predict.
_TAG_FIELDS = tuple(f.name for f in fields(Tags))


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
    values = {name: getattr(tags, name) for name in _TAG_FIELDS}
    known = dict(getattr(tags, "xfail_checks", {}))
    return SkdlTags(**values, xfail_checks={**known, **checks})
