"""Drop-in parity: scikit-learn's own test modules run against skdl's classes.

For each module of :data:`MODULES`, the installed scikit-learn test file is
copied into a scratch folder and a rebinding call is inserted after each
top-level group of imports. The copy is then run three times with pytest:

``sklearn``
    unchanged: scikit-learn's own classes;
``raising``
    each rebound name is a subclass of scikit-learn's class whose public
    methods (``fit``, ``predict``, ...) raise;
``skdl``
    each rebound name is skdl's class.

A test is *counted* when it passes with ``sklearn`` and fails with
``raising``: it exercises the class, not scikit-learn's private helpers or
other estimators. The score of a module is the share of counted tests that
pass with ``skdl``. Names are rebound both where the test module imported the
class (``from sklearn.svm import SVC``) and on module aliases it imported
(``from sklearn import svm`` then ``svm.SVC``).

Usage::

    python benchmarks/peer_tests.py                    # every module
    python benchmarks/peer_tests.py --module cluster   # one module
    python benchmarks/peer_tests.py --module svm -k linearsvc   # a subset
    python benchmarks/peer_tests.py --report-dir peer-report   # JSON per module

Adding a module is one entry of :data:`MODULES`.
"""

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

#: module key -> (scikit-learn test module, {name in scikit-learn: skdl class path}).
MODULES = {
    "linear_model": (
        "sklearn.linear_model.tests.test_logistic",
        {"LogisticRegression": "skdl.linear_model.LogisticRegression"},
    ),
    "svm": (
        "sklearn.svm.tests.test_svm",
        {"SVC": "skdl.svm.SVC", "LinearSVC": "skdl.svm.LinearSVC"},
    ),
    "cluster": (
        "sklearn.cluster.tests.test_k_means",
        {"KMeans": "skdl.cluster.KMeans"},
    ),
    "tree": (
        "sklearn.tree.tests.test_tree",
        {
            "DecisionTreeClassifier": "skdl.tree.DecisionTreeClassifier",
            "DecisionTreeRegressor": "skdl.tree.DecisionTreeRegressor",
        },
    ),
    "ensemble": (
        "sklearn.ensemble.tests.test_weight_boosting",
        {
            "AdaBoostClassifier": "skdl.ensemble.AdaBoostClassifier",
            "AdaBoostRegressor": "skdl.ensemble.AdaBoostRegressor",
        },
    ),
}

VARIANTS = ("sklearn", "raising", "skdl")

#: Public methods the ``raising`` variant disables.
RAISING_METHODS = (
    "fit",
    "partial_fit",
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "transform",
    "fit_transform",
    "fit_predict",
    "score",
    "apply",
    "decision_path",
    "staged_predict",
    "staged_predict_proba",
    "staged_decision_function",
    "staged_score",
    "sparsify",
    "densify",
)

# Inserted at the top of the copied test module. It reads the variant and the
# class mapping from the environment so one copy serves all three runs.
PRELUDE = """
def _peer_rebind(namespace):
    import importlib as _importlib
    import json as _json
    import os as _os
    import types as _types

    variant = _os.environ["SKDL_PEER_VARIANT"]
    if variant == "sklearn":
        return
    mapping = _json.loads(_os.environ["SKDL_PEER_MAPPING"])
    originals = {}
    for name in mapping:
        for value in list(namespace.values()):
            candidate = getattr(value, name, None) if isinstance(
                value, _types.ModuleType) else None
            if isinstance(value, type) and value.__name__ == name and (
                    value.__module__.startswith("sklearn.")):
                originals[name] = value
            elif isinstance(candidate, type) and (
                    candidate.__module__.startswith("sklearn.")):
                originals[name] = candidate
    # One replacement per class for the whole module, however many import
    # groups call this.
    replacements = _peer_rebind.__dict__.setdefault("replacements", {})
    for name, original in originals.items():
        if name in replacements:
            continue
        if variant == "skdl":
            module_path, _, class_name = mapping[name].rpartition(".")
            replacements[name] = getattr(
                _importlib.import_module(module_path), class_name)
        else:
            def _raise(self, *args, **kwargs):
                raise RuntimeError("disabled by the peer-test harness")

            methods = {
                method: _raise
                for method in _os.environ["SKDL_PEER_RAISING"].split(",")
                if hasattr(original, method)
            }
            replacements[name] = type(name, (original,), methods)
    for key, value in list(namespace.items()):
        if isinstance(value, type):
            for name, original in originals.items():
                if value is original:
                    namespace[key] = replacements[name]
        elif isinstance(value, _types.ModuleType) and not key.startswith("_"):
            overridden = {
                name: replacements[name]
                for name, original in originals.items()
                if getattr(value, name, None) is original
            }
            if overridden:
                proxy = _types.ModuleType(value.__name__)
                proxy.__dict__.update(vars(value))
                proxy.__dict__.update(overridden)
                namespace[key] = proxy

"""


def rewrite_module(source):
    """Return ``source`` with :data:`PRELUDE` and a rebinding call after each
    top-level group of imports."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    insert_after = []  # line numbers (1-based) ending an import group
    body = tree.body
    for index, node in enumerate(body):
        is_import = isinstance(node, (ast.Import, ast.ImportFrom))
        next_is_import = index + 1 < len(body) and isinstance(body[index + 1], (ast.Import, ast.ImportFrom))
        if is_import and not next_is_import:
            insert_after.append(node.end_lineno)
    future_end = max(
        (node.end_lineno for node in body if isinstance(node, ast.ImportFrom) and node.module == "__future__"),
        default=0,
    )
    call = "_peer_rebind(globals())\n"
    out = []
    for number, line in enumerate(lines, start=1):
        out.append(line)
        if number == future_end:
            out.append(PRELUDE)
        if number in insert_after and number != future_end:
            out.append(call)
    if future_end == 0:
        out.insert(0, PRELUDE)
    return "".join(out)


def run_variant(test_file, variant, mapping, workdir, extra_args):
    """Run pytest on ``test_file`` for one variant; return {test id: outcome}."""
    junit = workdir / f"{variant}.xml"
    env = dict(os.environ)
    env.update(
        SKDL_PEER_VARIANT=variant,
        SKDL_PEER_MAPPING=json.dumps(mapping),
        SKDL_PEER_RAISING=",".join(RAISING_METHODS),
        PYTHONHASHSEED="0",
    )
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(test_file),
        "-q",
        "-p",
        "sklearn.conftest",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-W",
        "ignore",
        f"--junitxml={junit}",
        "--rootdir",
        str(workdir),
        *extra_args,
    ]
    subprocess.run(command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, check=False)
    outcomes = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        classname = case.get("classname") or ""
        # classname is "<module>" or "<module>.<TestClass>"
        prefix = classname.partition(".")[2]
        test_id = f"{prefix}::{case.get('name')}" if prefix else case.get("name")
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        if case.find("skipped") is not None:
            outcomes[test_id] = ("skipped", "")
        elif failure is not None:
            message = (failure.get("message") or "").strip().splitlines()
            outcomes[test_id] = ("failed", message[0][:300] if message else "")
        else:
            outcomes[test_id] = ("passed", "")
    return outcomes


def run_module(key, extra_args=()):
    """Run one module's three variants; return its report (dict)."""
    module_name, mapping = MODULES[key]
    import importlib.util

    source_path = Path(importlib.util.find_spec(module_name).origin)
    workdir = Path(tempfile.mkdtemp(prefix=f"peer-{key}-"))
    try:
        test_file = workdir / source_path.name
        test_file.write_text(rewrite_module(source_path.read_text()))
        # Data files some modules read next to themselves.
        for sibling in source_path.parent.iterdir():
            if sibling.suffix != ".py" and sibling.is_file():
                shutil.copy(sibling, workdir / sibling.name)
        results = {variant: run_variant(test_file, variant, mapping, workdir, extra_args) for variant in VARIANTS}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    counted = sorted(
        test_id
        for test_id, (outcome, _) in results["sklearn"].items()
        if outcome == "passed" and results["raising"].get(test_id, ("failed",))[0] == "failed"
    )
    failing = {
        test_id: results["skdl"].get(test_id, ("missing", ""))[1]
        for test_id in counted
        if results["skdl"].get(test_id, ("missing",))[0] != "passed"
    }
    passed = len(counted) - len(failing)
    return {
        "module": key,
        "test_module": module_name,
        "classes": mapping,
        "counted": len(counted),
        "passed": passed,
        "share": passed / len(counted) if counted else float("nan"),
        "failing": failing,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--module", action="append", choices=sorted(MODULES), help="module key (repeatable); default: every module"
    )
    parser.add_argument("-k", dest="keyword", help="pytest -k expression")
    parser.add_argument("-n", dest="workers", help="pytest-xdist workers")
    parser.add_argument("--report-dir", type=Path, help="write <module>.json (counted, passed, failing tests) here")
    parser.add_argument("--list-failing", action="store_true", help="print each counted test that fails with skdl")
    args = parser.parse_args(argv)
    extra = []
    if args.keyword:
        extra += ["-k", args.keyword]
    if args.workers:
        extra += ["-n", args.workers]
    print(f"{'module':<14}{'test module':<46}{'counted':>8}{'pass':>6}{'share':>8}")
    for key in args.module or list(MODULES):
        report = run_module(key, extra)
        print(
            f"{key:<14}{report['test_module']:<46}{report['counted']:>8}{report['passed']:>6}{report['share']:>8.1%}",
            flush=True,
        )
        if args.list_failing:
            for test_id, message in report["failing"].items():
                print(f"    FAIL {test_id}: {message}")
        if args.report_dir:
            args.report_dir.mkdir(parents=True, exist_ok=True)
            (args.report_dir / f"{key}.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
