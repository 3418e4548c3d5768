"""The `python -m ops.cli classify` contract other tools rely on, and `explain`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from ops import cli

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ops.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=REPO, check=False,
    )


def test_classify_writes_one_line_per_input_in_order_and_reports_bad_lines():
    # GIVEN good lines, a non-JSON line, a line without text, a non-object, and a blank line
    lines = [
        {"id": "a", "text": "my son's ADHD meds stopped working"},
        "this is not json, it mentions my depression",
        {"id": "b"},
        [1, 2],
        "",
        {"id": 7, "text": "¿atienden los sábados?", "lang": "es"},
        {"id": "c", "text": "I want to kill myself"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    # WHEN
    proc = run_cli("classify", stdin=stdin)
    # THEN good lines come out in order with the fixed keys, and the exit code says some lines were bad
    assert proc.returncode == 1
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 7, "c"]
    assert [o["label"] for o in out] == ["sensitive", "ok", "crisis"]
    for o in out:
        assert set(o) == {"id", "label", "entities", "reason"}
        for e in o["entities"]:
            assert set(e) == {"type", "start", "end", "score"}
    # AND each bad line is named on stderr by number, without echoing its text
    errors = proc.stderr.strip().splitlines()
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 4"]
    assert "depression" not in proc.stderr


def test_classify_does_not_import_boto3():
    code = (
        "import io, sys; from ops import cli; "
        "cli.classify_stream(io.StringIO('{\"id\": 1, \"text\": \"hi\"}\\n'), io.StringIO(), sys.stderr); "
        "print('boto3' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


def test_classify_stream_honours_allowed_contacts():
    item = {"id": 1, "text": "book me in: (212) 555-0187", "allowed_contacts": ["212-555-0187"]}
    out, err = io.StringIO(), io.StringIO()
    assert cli.classify_stream(io.StringIO(json.dumps(item) + "\n"), out, err) == (1, 0)
    record = json.loads(out.getvalue())
    assert "PHONE_NUMBER" not in {e["type"] for e in record["entities"]}


def test_explain_shows_entities_and_decision():
    proc = run_cli("explain", "I don't have ADHD but my daughter was diagnosed last year")
    assert proc.returncode == 0
    assert "negated" in proc.stdout and "anchored" in proc.stdout
    assert "verdict: sensitive" in proc.stdout


def test_subcommands_are_registered_in_one_table():
    assert {"classify", "explain"} <= set(cli.COMMANDS)
    assert run_cli("--help").returncode == 0
