"""Build PageGuard's deployable SAM template and Lambda zip into build/<stage>/, without AWS credentials.

Steps (see ../shared/research/presidio-on-lambda.md §4 for why each one exists):

1. vendor: pip-install requirements.lock (hash-checked) for the Lambda platform (manylinux x86_64, CPython 3.12) into a
   cache keyed by the requirements, trim it (strip debug info, phonenumbers geodata, tests, C sources,
   pygments/setuptools) and precompile .pyc files, because Chalice's zip has none and that doubles
   cold start.
2. stage: copy app.py, chalicelib/ and .chalice/ (never ops/: operator tools run on a laptop) into a staging project whose requirements.txt is empty
   and whose vendor/ is the trimmed tree, so Chalice ships our tree instead of installing its own.
3. `chalice package --merge-template` with infra/resources.json (its Stage parameter pinned to the stage).
4. report the unzipped size against Lambda's 262,144,000-byte limit and fail over MAX_UNZIPPED_BYTES.
5. unzip and run scripts/smoke_lambda.py under `python3.12 -I -S` with only the unzipped package and the
   runtime's own boto3 on sys.path: fails if the handlers don't import or the detector doesn't work.
6. cfn-lint the merged template: fails on any error.

Usage: python scripts/package.py --stage prod   (`make package STAGE=prod`)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
STAGES = ("dev", "prod", "ci")  # ci: the deployment test's stage (tests/test_deploy_moto.py)
LAMBDA_PYTHON = (3, 12)
LAMBDA_RUNTIME = "python3.12"
# Lambda counts function + layers, unzipped: 250 MiB. Fail well before it so a new dependency shows up here.
LAMBDA_UNZIPPED_LIMIT = 262_144_000
MAX_UNZIPPED_BYTES = 230_000_000  # the detection budget (issue: <= 230 MB), 32 MB under Lambda's hard limit
DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024

# Bump when the trimming recipe changes, so cached vendor trees are rebuilt.
TRIM_RECIPE = "3"
# The python3.12 runtime runs on Amazon Linux 2023 (glibc 2.34): any of these wheels load there.
PLATFORMS = (
    "manylinux_2_34_x86_64",
    "manylinux_2_28_x86_64",
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
)
# The Lambda runtime provides these (and a newer botocore would only add 20+ MB).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
# Never imported at run time; removed after install. Their *.dist-info stay (spaCy/Presidio read metadata).
REMOVE_PACKAGES = ("pip", "setuptools", "pkg_resources", "_distutils_hack", "pygments", "wheel")
# Presidio imports only the core of phonenumbers, never its geocoder, carrier or timezone data (about 20 MB).
REMOVE_DIRS = ("phonenumbers/geodata", "phonenumbers/carrierdata", "phonenumbers/tzdata")
TEST_DIR_NAMES = ("tests", "test")
SOURCE_SUFFIXES = (".pyx", ".pxd", ".pyi", ".c", ".cpp", ".h", ".hpp")
APP_FILES = ("app.py",)
APP_DIRS = ("chalicelib",)
# Operator tools (CLI, setup, subscribe, scan): never shipped; the package fails if they appear in the zip.
NOT_SHIPPED = ("ops/",)
CHALICE_FILES = ("config.json", "policy-api.json", "policy-worker.json", "policy-reconcile.json")


def log(message: str) -> None:
    print(f"[package] {message}", flush=True)


def fail(message: str) -> "NoReturn":  # type: ignore[name-defined]  # noqa: F821
    print(f"[package] FAILED: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def aws_free_env(stage: str) -> dict[str, str]:
    """Chalice needs a region but no credentials; make sure none are picked up by accident."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        PAGEGUARD_STAGE=stage,
    )
    return env


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run(cmd, check=True, **kwargs)


# --------------------------------------------------------------------------------------------------
# 1. vendor tree


def vendor_key(requirements: Path) -> str:
    h = hashlib.sha256()
    h.update(requirements.read_bytes())
    h.update(f"{TRIM_RECIPE}|{LAMBDA_RUNTIME}|{'|'.join(PLATFORMS)}".encode())
    return h.hexdigest()[:16]


def build_vendor(requirements: Path) -> Path:
    """Install, trim and precompile the runtime dependencies once per requirements hash."""
    cache = BUILD / "vendor-cache" / vendor_key(requirements)
    if (cache / ".complete").exists():
        log(f"vendor: reusing {cache.relative_to(REPO)}")
        return cache
    tmp = cache.with_name(cache.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    cmd += ["--target", str(tmp), "--only-binary=:all:", "--implementation", "cp"]
    cmd += ["--python-version", f"{LAMBDA_PYTHON[0]}.{LAMBDA_PYTHON[1]}"]
    for platform in PLATFORMS:
        cmd += ["--platform", platform]
    # Every package pinned with its hashes (`make lock`): pip refuses anything unpinned or with another hash.
    cmd += ["--require-hashes", "-r", str(requirements)]
    install_for_lambda(cmd, tmp)
    before = tree_size(tmp)
    trim(tmp)
    after = tree_size(tmp)
    log(f"vendor: trimmed {mb(before)} -> {mb(after)}")
    compile_pyc(tmp)
    log(f"vendor: with .pyc {mb(tree_size(tmp))}")
    (tmp / ".complete").write_text(freeze(tmp))
    shutil.rmtree(cache, ignore_errors=True)
    tmp.rename(cache)
    return cache


def install_for_lambda(cmd: list[str], target: Path) -> None:
    """pip install for the Lambda platform; pure-Python packages published only as sdists are built first.

    A cross-platform install needs --only-binary=:all:, and some pins (negspacy 1.0.4) exist only as an
    sdist. Those are built into wheels here and offered with --find-links, but only if the result is
    pure Python (py3-none-any): a compiled wheel built on this machine might not load on Lambda.
    """
    wheels = BUILD / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    cmd = [*cmd, "--find-links", str(wheels)]
    for _ in range(5):
        log("$ " + " ".join(cmd))
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode == 0:
            return
        match = re.search(r"No matching distribution found for (\S+)", result.stderr)
        if not match:
            print(result.stdout + result.stderr, file=sys.stderr)
            fail("pip could not install the runtime requirements for the Lambda platform")
        requirement = match.group(1)
        log(f"vendor: {requirement} has no wheel; building one from its sdist (must be pure Python)")
        before = set(wheels.glob("*.whl"))
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--no-binary", ":all:", "-w", str(wheels), requirement],
            check=True,
        )
        built = set(wheels.glob("*.whl")) - before
        impure = [w.name for w in built if not w.name.endswith("-none-any.whl")]
        if not built or impure:
            for wheel in built:
                wheel.unlink()
            fail(f"{requirement} is not pure Python ({impure}); it needs a manylinux wheel")
    fail("pip kept failing after building sdists; see above")


def trim(root: Path) -> None:
    for name in RUNTIME_PROVIDED + REMOVE_PACKAGES:
        for path in (root / name, root / f"{name}.py"):
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    for rel in REMOVE_DIRS:
        shutil.rmtree(root / rel, ignore_errors=True)
    for dirpath, dirnames, filenames in os.walk(root, topdown=True):
        for d in list(dirnames):
            if d in TEST_DIR_NAMES or d == "__pycache__":
                shutil.rmtree(Path(dirpath) / d)
                dirnames.remove(d)
        for f in filenames:
            if f.endswith(SOURCE_SUFFIXES):
                (Path(dirpath) / f).unlink()
    strip_debug_info(root)


def strip_debug_info(root: Path) -> None:
    """strip --strip-debug only the .so files `file` reports "with debug_info".

    Stripping everything breaks numpy's bundled OpenBLAS (patchelf'd: "ELF load command address/offset
    not page-aligned"), so the others are left alone.
    """
    libs = sorted(str(p) for p in root.rglob("*.so*") if p.is_file())
    if not libs:
        return
    if not shutil.which("file") or not shutil.which("strip"):
        # About 10 MB unzipped with the pinned wheels; the size budget below still guards the result.
        log("WARNING: `file` or `strip` missing (apt-get install file binutils): debug info left in .so files")
        return
    out = subprocess.run(["file", *libs], check=True, capture_output=True, text=True).stdout
    targets = [line.split(":", 1)[0] for line in out.splitlines() if "with debug_info" in line]
    if targets:
        subprocess.run(["strip", "--strip-debug", *targets], check=True)
    log(f"vendor: stripped debug info from {len(targets)} of {len(libs)} shared objects")


def compile_pyc(root: Path, *paths: Path) -> None:
    """Unchecked-hash .pyc: valid without source mtimes (zip drops them) and never rewritten (/var/task is read-only)."""
    targets = [str(p) for p in paths] if paths else [str(root)]
    cmd = [sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", *targets]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        # A few packages ship .py templates that are not Python; those stay uncompiled, nothing imports them.
        log("compileall reported files it could not compile:\n" + (result.stdout + result.stderr)[-2000:])


def freeze(root: Path) -> str:
    names = []
    for info in sorted(root.glob("*.dist-info")):
        meta = info / "METADATA"
        name = version = ""
        if meta.exists():
            for line in meta.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("Name: "):
                    name = line[6:].strip()
                elif line.startswith("Version: "):
                    version = line[9:].strip()
                if name and version:
                    break
        names.append(f"{name}=={version}")
    return "\n".join(names) + "\n"


# --------------------------------------------------------------------------------------------------
# 2. staging project


def stage_project(stage: str, vendor: Path) -> Path:
    project = BUILD / ".staging" / stage
    shutil.rmtree(project, ignore_errors=True)
    (project / ".chalice").mkdir(parents=True)
    for name in APP_FILES:
        shutil.copy2(REPO / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in APP_DIRS:
        shutil.copytree(REPO / name, project / name, ignore=ignore)
    for name in CHALICE_FILES:
        shutil.copy2(REPO / ".chalice" / name, project / ".chalice" / name)
    # Empty on purpose: the trimmed vendor/ already holds every dependency (repo requirements.txt stays
    # the pinned runtime list that scripts/package.py installs from).
    (project / "requirements.txt").write_text("")
    # Hard links: instant and no extra disk; Chalice only reads them.
    shutil.copytree(vendor, project / "vendor", copy_function=os.link, ignore=shutil.ignore_patterns(".complete"))
    # Precompile our own code too. chalicelib/__pycache__ is zipped as is; app.py's and Chalice's runtime
    # module's .pyc go through vendor/, which Chalice copies to the zip root.
    compile_pyc(project, project / "app.py", project / "chalicelib")
    app_pyc = next((project / "__pycache__").glob("app.cpython-*.pyc"))
    (project / "vendor" / "__pycache__").mkdir(exist_ok=True)
    shutil.move(str(app_pyc), project / "vendor" / "__pycache__" / app_pyc.name)
    shutil.rmtree(project / "__pycache__")
    chalice_src = project / "vendor" / "chalice"
    chalice_src.mkdir(exist_ok=True)
    import chalice  # the same files Chalice itself puts in the zip (packager._iter_app_filenames)

    pkg = Path(chalice.__file__).parent
    tmp = Path(tempfile.mkdtemp(prefix="chalice-rt-"))
    try:
        for name in ("__init__.py", "app.py"):
            shutil.copy2(pkg / name, tmp / name)
        compile_pyc(tmp, tmp)
        shutil.copytree(tmp / "__pycache__", chalice_src / "__pycache__")
    finally:
        shutil.rmtree(tmp)
    return project


def merge_template(stage: str, out_dir: Path) -> Path:
    """infra/resources.json with the Stage parameter pinned to this build's stage."""
    template = json.loads((REPO / "infra" / "resources.json").read_text())
    template["Parameters"]["Stage"]["Default"] = stage
    template["Parameters"]["Stage"]["AllowedValues"] = [stage]
    path = out_dir / "merge-template.json"
    path.write_text(json.dumps(template, indent=2) + "\n")
    return path


# --------------------------------------------------------------------------------------------------
# 3-6


def chalice_package(project: Path, stage: str, merge: Path, out_dir: Path) -> None:
    for name in ("sam.json", "deployment.zip"):
        (out_dir / name).unlink(missing_ok=True)
    chalice = Path(sys.executable).with_name("chalice")
    cmd = [str(chalice), "--project-dir", str(project), "package", "--stage", stage]
    cmd += ["--merge-template", str(merge), str(out_dir)]
    run(cmd, env=aws_free_env(stage))


def zip_report(zip_path: Path) -> dict:
    with zipfile.ZipFile(zip_path) as zf:
        infos = zf.infolist()
    unzipped = sum(i.file_size for i in infos)
    top: dict[str, int] = {}
    for info in infos:
        head = info.filename.split("/", 1)[0]
        top[head] = top.get(head, 0) + info.file_size
    shipped_tools = [i.filename for i in infos if i.filename.startswith(NOT_SHIPPED)]
    if shipped_tools:
        fail(f"operator tools in the Lambda package: {shipped_tools[:3]}")
    py = {i.filename for i in infos if i.filename.endswith(".py")}
    pyc = {i.filename for i in infos if i.filename.endswith(".pyc")}
    return {
        "zip_bytes": zip_path.stat().st_size,
        "unzipped_bytes": unzipped,
        "files": len(infos),
        "py_files": len(py),
        "pyc_files": len(pyc),
        "largest": sorted(top.items(), key=lambda kv: -kv[1])[:12],
    }


def smoke_test(zip_path: Path, stage: str) -> dict:
    """Unzip like Lambda does and import the handlers with nothing else on sys.path but the runtime's boto3."""
    python = Path(sys.base_prefix) / "bin" / f"python{LAMBDA_PYTHON[0]}.{LAMBDA_PYTHON[1]}"
    if not python.exists():
        fail(f"no base interpreter at {python}")
    with tempfile.TemporaryDirectory(prefix="pageguard-task-") as task, tempfile.TemporaryDirectory(
        prefix="pageguard-runtime-"
    ) as runtime:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(task)
        link_runtime_provided(Path(runtime))
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": tempfile.gettempdir(),
            "LAMBDA_TASK_ROOT": task,
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_LAMBDA_FUNCTION_NAME": f"pageguard-{stage}-smoke",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1769",
            "POWERTOOLS_SERVICE_NAME": "pageguard",
            "PAGEGUARD_STAGE": stage,
            "TLDEXTRACT_CACHE": str(Path(runtime) / "tldextract"),
        }
        report_path = Path(runtime) / "smoke.json"
        cmd = [str(python), "-I", "-S", "-B", str(REPO / "scripts" / "smoke_lambda.py"), task, runtime, str(report_path)]
        log("$ " + " ".join(cmd))
        result = subprocess.run(cmd, env=env)
        if result.returncode != 0:
            fail("smoke test: the unpacked package does not import or run on the Lambda runtime (see above)")
        return json.loads(report_path.read_text())


def link_runtime_provided(runtime: Path) -> None:
    """Stand-in for /var/runtime: the boto3 stack the python3.12 Lambda runtime ships."""
    import importlib.util

    for name in ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        src = origin.parent if origin.name == "__init__.py" else origin
        (runtime / src.name).symlink_to(src)


def cfn_lint(template: Path) -> None:
    cfn = Path(sys.executable).with_name("cfn-lint")
    cmd = [str(cfn), "--non-zero-exit-code", "error", str(template)]
    log("$ " + " ".join(cmd))
    result = subprocess.run(cmd, env=aws_free_env("lint"))
    if result.returncode != 0:
        fail(f"cfn-lint found errors in {template}")
    log("cfn-lint: no errors")


def mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=STAGES, default=os.environ.get("STAGE", "dev"))
    parser.add_argument("--requirements", type=Path, default=REPO / "requirements.lock",
                        help="hash-pinned runtime lock (make lock writes it from requirements.txt)")
    parser.add_argument("--skip-smoke", action="store_true", help="do not import the package (faster)")
    parser.add_argument("--skip-lint", action="store_true", help="do not run cfn-lint")
    args = parser.parse_args(argv)

    if sys.version_info[:2] != LAMBDA_PYTHON:
        fail(
            f"run with Python {LAMBDA_PYTHON[0]}.{LAMBDA_PYTHON[1]} (the .venv): Chalice packages for the Python "
            f"that runs it, and the .pyc files must match {LAMBDA_RUNTIME}"
        )
    started = time.monotonic()
    out_dir = BUILD / args.stage
    out_dir.mkdir(parents=True, exist_ok=True)

    vendor = build_vendor(args.requirements)
    project = stage_project(args.stage, vendor)
    merge = merge_template(args.stage, out_dir)
    chalice_package(project, args.stage, merge, out_dir)
    template = out_dir / "sam.json"
    zip_path = out_dir / "deployment.zip"

    report = zip_report(zip_path)
    report["stage"] = args.stage
    report["vendored"] = (vendor / ".complete").read_text().split()
    log(f"deployment package {zip_path.relative_to(REPO)}")
    for name, size in report["largest"]:
        log(f"    {mb(size):>10}  {name}")
    log(
        f"unzipped size: {report['unzipped_bytes']:,} bytes ({mb(report['unzipped_bytes'])}) of Lambda's "
        f"{LAMBDA_UNZIPPED_LIMIT:,} limit ({report['unzipped_bytes'] / LAMBDA_UNZIPPED_LIMIT:.0%}); "
        f"budget {MAX_UNZIPPED_BYTES:,}"
    )
    log(f"zip size: {report['zip_bytes']:,} bytes ({mb(report['zip_bytes'])}); {report['files']} files, "
        f"{report['pyc_files']} .pyc for {report['py_files']} .py")
    if report["zip_bytes"] > DIRECT_UPLOAD_LIMIT:
        log("zip is over the 50 MiB direct-upload limit: deploy goes through S3 (scripts/deploy.py does)")
    if report["unzipped_bytes"] > MAX_UNZIPPED_BYTES:
        fail(
            f"package is {mb(report['unzipped_bytes'])} unzipped, over the {mb(MAX_UNZIPPED_BYTES)} budget "
            f"(Lambda's hard limit is {mb(LAMBDA_UNZIPPED_LIMIT)}): trim it in scripts/package.py"
        )

    if not args.skip_smoke:
        report["smoke"] = smoke_test(zip_path, args.stage)
    if not args.skip_lint:
        cfn_lint(template)
    (out_dir / "package-report.json").write_text(json.dumps(report, indent=2) + "\n")
    log(f"done in {time.monotonic() - started:.0f} s: {template.relative_to(REPO)} and {zip_path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
