"""Supply chain: every transitive dependency is pinned with hashes, in the locks `make install` and `make package`
install from; the locks agree with the requirements files and with each other (`make lock` writes them)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_ENTRY = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)", re.MULTILINE)


def _lock(name: str) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) for every entry of a pip-compile --generate-hashes file."""
    text = (REPO / name).read_text()
    entries = {m.group(1).lower(): (m.group(2), m.group(3).count("--hash=")) for m in _ENTRY.finditer(text)}
    pinned_lines = [line for line in text.splitlines() if re.match(r"^[A-Za-z0-9._-]+==", line)]
    assert len(entries) == len(pinned_lines), f"{name}: an entry without hashes"
    return entries


def _top_level(name: str) -> dict[str, str]:
    pins = {}
    for line in (REPO / name).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)", line.strip())
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_every_dependency_is_pinned_with_hashes_and_matches_the_requirements() -> None:
    dev, runtime = _lock("requirements-dev.lock"), _lock("requirements.lock")
    assert len(dev) > 60 and len(runtime) > 30  # the transitive closure, not just the top level
    assert all(count >= 1 for _, count in list(dev.values()) + list(runtime.values()))
    for name, version in {**_top_level("requirements.txt"), **_top_level("requirements-dev.txt")}.items():
        assert dev.get(name, ("missing",))[0] == version, f"{name}: run make lock"
    for name, version in _top_level("requirements.txt").items():
        assert runtime.get(name, ("missing",))[0] == version, f"{name}: run make lock"
    # the Lambda runs exactly the versions the tests ran
    assert {n: v for n, (v, _) in runtime.items()} == {n: dev[n][0] for n in runtime}
    # and the runtime lock holds no development tool
    assert not {"pytest", "moto", "chalice", "pip-tools", "ruff", "cfn-lint"} & set(runtime)


def test_install_and_package_use_the_locks_with_hash_checking() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "--require-hashes -r $(DEV_LOCK)" in makefile
    assert "--require-hashes --no-deps -r $(VENV)/pip.lock" in makefile  # pip upgraded first, hash-checked
    assert "-r requirements-dev.txt" not in makefile.split("lock:")[0]  # install never resolves on its own
    assert re.search(r"^lock: ", makefile, re.MULTILINE) and "pip-compile" in makefile
    package = (REPO / "scripts" / "package.py").read_text()
    assert '"--require-hashes", "-r"' in package and 'REPO / "requirements.lock"' in package
    assert "lambda-constraints" not in package
    pip_version = _lock("requirements-dev.lock")["pip"][0]
    assert int(pip_version.split(".")[0]) >= 26  # not the venv's bundled 23.x
