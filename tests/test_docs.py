"""The Sphinx documentation builds with warnings as errors (gallery not executed).

``make docs`` builds it all, executing the gallery.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.docs
def test_docs_build_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-D", "plot_gallery=0", "-d", str(tmp_path / "doctrees"),
         str(ROOT / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    # autosummary generated a page for every public estimator
    from skdl.utils import all_estimators

    for name, cls in all_estimators():
        public_module = cls.__module__.rsplit("._", 1)[0]
        page = tmp_path / "html" / "generated" / f"{public_module}.{name}.html"
        assert page.exists(), f"no API page for {name}"
