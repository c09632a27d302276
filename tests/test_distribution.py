"""The distribution: the sdist and wheel build and pass ``twine check``, carry the LICENSE and one version, and the
wheel installed in a fresh virtualenv outside the checkout runs the suite from another directory.

The wheel is built without build isolation (hatchling from this environment) and installed without its
dependencies, which the fresh virtualenv borrows from this one through a ``.pth`` line (a ``.pth`` listed directory
is not itself scanned for ``.pth`` files, so an editable install of the checkout there is not picked up). ``.ci/run``
does the same from PyPI with the dependencies resolved.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

import conformance

ROOT = Path(__file__).resolve().parents[1]
VERSION = conformance.__version__

pytest.importorskip("build", reason="python -m build is in the test extra: pip install -e '.[test]'")
pytest.importorskip("hatchling", reason="the no-isolation build needs hatchling (test extra)")


def _run(cmd: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    # no PYTHONPATH: a checkout on it would shadow the installed wheel
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{cmd}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    # sdist first, then the wheel built from the unpacked sdist: a file the sdist forgets breaks the wheel
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)], cwd=out)
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh virtualenv outside the checkout holding only the wheel (dependencies borrowed from this one)."""
    home = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(home)], cwd=home)
    python = home / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=home).stdout.strip())
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_borrowed_dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
          "--no-index", str(dist["wheel"])], cwd=home)
    return home


def test_twine_check_passes(dist):
    pytest.importorskip("twine", reason="twine is in the test extra")
    result = _run([sys.executable, "-m", "twine", "check", "--strict", str(dist["wheel"]), str(dist["sdist"])],
                  cwd=dist["wheel"].parent)
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_wheel_metadata_license_and_version(dist):
    assert dist["wheel"].name == f"stigmem_conformance-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        info = f"stigmem_conformance-{VERSION}.dist-info"
        metadata = wheel.read(f"{info}/METADATA").decode()
        shipped_license = wheel.read(f"{info}/licenses/LICENSE").decode()
        names = set(wheel.namelist())
    assert re.search(rf"^Version: {re.escape(VERSION)}$", metadata, re.M), metadata[:400]
    assert re.search(r"^License-Expression: Apache-2.0$", metadata, re.M)
    assert shipped_license == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in shipped_license and "Version 2.0, January 2004" in shipped_license
    # the data the suite reads at run time, packaged beside the code
    for name in ("conformance/_data/vectors/requirements.json", "conformance/_data/vectors/interpretations.json",
                 "conformance/_data/schemas/report.schema.json", "conformance/recipes/reference.toml",
                 "reference_node/openapi.json", "reference_node/storage/migrations/0001_initial.sql"):
        assert name in names, name
    shipped_vectors = {n for n in names if n.startswith("conformance/_data/vectors/") and n.endswith(".json")}
    assert len(shipped_vectors) == len(list((ROOT / "vectors").rglob("*.json")))


def test_sdist_carries_license_data_and_tests(dist):
    with tarfile.open(dist["sdist"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for name in ("LICENSE", "pyproject.toml", "README.md", "action.yml", "vectors/requirements.json",
                 "schemas/report.schema.json", "tests/test_distribution.py"):
        assert name in names, name


def test_version_has_one_source():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "conformance/__init__.py"
    literals = [p for top in ("conformance", "reference_node") for p in (ROOT / top).rglob("*.py")
                if re.search(r"^__version__\s*=", p.read_text(encoding="utf-8"), re.M)]
    assert literals == [ROOT / "conformance" / "__init__.py"], literals
    import reference_node

    assert reference_node.__version__ == VERSION


def test_installed_wheel_runs_from_another_directory(venv, tmp_path):
    """The README's install line, from a wheel: the code and data come from the fresh virtualenv, not the checkout."""
    assert not tmp_path.is_relative_to(ROOT)
    python, cli = venv / "bin" / "python", venv / "bin" / "stigmem-conformance"
    where = json.loads(_run([str(python), "-c", "import json, conformance, reference_node; "
                             "from conformance.catalog.paths import vectors_dir, schemas_dir; "
                             "from conformance.federation.recipes import shipped; "
                             "print(json.dumps([conformance.__file__, reference_node.__file__, str(vectors_dir()), "
                             "str(schemas_dir()), shipped()]))"], cwd=tmp_path).stdout)
    for path in where[:4]:
        assert Path(path).is_relative_to(venv) and not Path(path).is_relative_to(ROOT), where
    assert where[4] == ["reference", "upstream"]
    assert _run([str(cli), "--version"], cwd=tmp_path).stdout.strip() == f"stigmem-conformance {VERSION}"
    vectors = _run([str(cli), "vectors", "-q", "--report-dir", "vec"], cwd=tmp_path)
    found = re.search(r"vectors: (\d+) passed, 0 failed, 0 errors", vectors.stdout)
    assert found and int(found.group(1)) > 1000, vectors.stdout
    report = json.loads((tmp_path / "vec" / "report.json").read_text(encoding="utf-8"))
    assert report["suite_version"] == VERSION and report["vector_set_version"].startswith(VERSION + "+")
    checks = _run([str(cli), "run", "-q", "--profile", "core-local", "--only", "http:discovery_open",
                   "--only", "http:discovery_fields", "--only", "http:bad_key_401"], cwd=tmp_path)
    assert re.search(r"http: 3 passed, 0 failed, 0 errors", checks.stdout), checks.stdout
    assert not list(tmp_path.glob("*.db")), "the embedded node left a database in the working directory"
    shutil.rmtree(tmp_path / "vec")
