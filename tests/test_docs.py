"""The documentation: the Sphinx build (warnings as errors, gallery not
executed), the built site reads offline, and the README's commands and links.

``make docs`` builds it all, executing the gallery.
"""

import importlib.util
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


class _ExternalResources(HTMLParser):
    """Collects the scripts and stylesheets a page loads from another host."""

    def __init__(self):
        super().__init__()
        self.external = []
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("src") if tag == "script" else attrs.get("href") if tag == "link" else None
        if tag == "script" and url:
            self.scripts.append(url)
        if url and re.match(r"^(?:[a-z]+:)?//", url):
            self.external.append(url)


@pytest.fixture(scope="module")
def built_html(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-D",
            "plot_gallery=0",
            "-d",
            str(out / "doctrees"),
            str(ROOT / "docs"),
            str(out / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return out / "html"


@pytest.mark.docs
def test_docs_build_without_warnings(built_html):
    # autosummary generated a page for every public estimator
    from skdl.utils import all_estimators

    for name, cls in all_estimators():
        public_module = cls.__module__.rsplit("._", 1)[0]
        page = built_html / "generated" / f"{public_module}.{name}.html"
        assert page.exists(), f"no API page for {name}"


@pytest.mark.docs
def test_built_site_loads_nothing_from_another_host(built_html):
    pages_with_math = 0
    for page in built_html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        parser = _ExternalResources()
        parser.feed(text)
        assert not parser.external, f"{page.relative_to(built_html)} loads {parser.external}"
        if 'class="math' in text:
            pages_with_math += 1
            # MathJax comes from the site itself, and the file is there.
            mathjax = [src for src in parser.scripts if "mathjax" in src.lower()]
            assert mathjax, f"{page.relative_to(built_html)} has math but no MathJax"
            assert (page.parent / mathjax[0]).resolve().is_file()
    assert pages_with_math >= 10  # the user guide derives its algorithms
    # MathJax's CHTML output draws with its own web fonts, served locally too.
    assert list((built_html / "_static" / "mathjax").rglob("*.woff"))
    assert not (built_html / ".doctrees").exists()


def test_mathjax_is_served_from_the_site():
    # The cheap form of the check above: the extension that copies MathJax
    # into the site is configured and installed with its fonts.
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert '"sphinx-mathjax-offline"' in conf
    assert '"write_computation_times": False' in conf
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    static = Path(spec.origin).parent / "static" / "mathjax"
    assert (static / "tex-chtml.js").is_file()
    assert list(static.rglob("*.woff"))


def test_docs_build_without_the_extra_names_it(tmp_path):
    # numpydoc hidden: importlib's find_spec returns None for a None entry.
    code = f"import sys, runpy; sys.modules['numpydoc'] = None; runpy.run_path({str(ROOT / 'docs' / 'conf.py')!r})"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT / "docs"
    )
    assert result.returncode != 0
    assert "numpydoc" in result.stderr and "docs extra" in result.stderr


def test_make_keeps_doctrees_outside_the_html():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    sphinx_lines = [line for line in makefile.splitlines() if "-m sphinx" in line]
    assert sphinx_lines
    for line in sphinx_lines:
        assert re.search(r" -d docs/_build/doctrees\S* ", line), line


def test_readme_is_short_and_speaks_to_users():
    assert len(README.splitlines()) < 150
    assert "session" not in README.lower()


def test_readme_links_exist():
    for target in re.findall(r"\]\(([^)]+)\)", README):
        if not re.match(r"^https?://", target):
            assert (ROOT / target).exists(), f"README links to a missing {target}"


def test_readme_make_targets_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.MULTILINE))
    for target in re.findall(r"\bmake ([\w-]+)", README):
        assert target in targets, f"README runs make {target}"


def test_readme_quick_start_runs(capsys):
    snippet = re.search(r"python - <<'EOF'\n(.*?)\nEOF", README, flags=re.DOTALL)
    assert snippet, "the quick start script is not where this test looks"
    exec(compile(snippet.group(1), "README quick start", "exec"), {})
    printed = capsys.readouterr().out
    assert "svc__C" in printed


def test_install_page_lists_every_extra_as_pyproject_has_it():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    page = (ROOT / "docs" / "install.rst").read_text(encoding="utf-8").lower()
    for extra, requirements in extras.items():
        assert f"``{extra}``" in page, f"install page misses the {extra} extra"
        for requirement in requirements:
            name = re.split(r"[<>=!~ ;]", requirement, maxsplit=1)[0].lower()
            assert name in page, f"install page misses {name} of the {extra} extra"
