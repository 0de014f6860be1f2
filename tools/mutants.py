"""Mutation testing report (``make mutants``): which planted bugs does the test suite miss?

Not part of ``make test``. Works on a throw-away copy of the tracked files, never on the working tree:

* Python modules (cosmic-ray): each mutant of ``media/store.py``, ``media/iiif_image.py``,
  ``ingest/metadata.py`` and ``media/detect.py`` is run against the tests that exercise that module;
* template escaping: every ``{{ expression }}`` of every template is, one at a time, marked ``|safe``, and
  the hostile-markup tests must notice.

Each part stops after its time budget (``--budget`` seconds per module, default 300); mutants not run by
then are counted as not run. Prints every surviving mutant and the survival figures; exits 0 (a report).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]

#: module → the tests that should catch its mutants
TARGETS: dict[str, list[str]] = {
    "media/store.py": ["tests/media/test_images.py", "tests/ingest/test_media_ingest.py"],
    "media/iiif_image.py": ["tests/media/test_iiif_image.py", "tests/viewer/test_iiif_image_http.py"],
    "ingest/metadata.py": ["tests/ingest/test_metadata.py"],
    "media/detect.py": ["tests/ingest/test_media_ingest.py", "tests/ingest/test_batch.py"],
}
TEMPLATE_TESTS = ["tests/viewer/test_hostile_markup.py"]
#: ``{{ … }}`` expressions that are not values (already safe, JSON, or built from our own words)
_NOT_A_VALUE = re.compile(r"\|\s*(safe|tojson)\b|^\s*(url_for|_|ngettext|gettext|crumbs|item_card|lang_label|text)\(")


def copy_tree(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name.decode())
    if (ROOT / "node_modules").exists():
        (target / "node_modules").symlink_to(ROOT / "node_modules")


def environment(tree: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    env.pop("JINSHI_TEST_DATABASE", None)
    return env


def run_python_module(tree: Path, module: str, tests: list[str], budget: float) -> dict:
    """Run cosmic-ray on one module for at most ``budget`` seconds; its counts and surviving mutants."""
    name = module.replace("/", "_").removesuffix(".py")
    config, session = tree / f"{name}.toml", tree / f"{name}.sqlite"
    command = " ".join(PYTEST + tests)
    config.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{module}"\n'
        "timeout = 120.0\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n"
        '[cosmic-ray.distributor]\nname = "local"\n', encoding="utf-8")
    env = environment(tree)
    subprocess.run(["cosmic-ray", "init", str(config), str(session)], cwd=tree, env=env, check=True,
                   capture_output=True)
    worker = subprocess.Popen(["cosmic-ray", "exec", str(config), str(session)], cwd=tree, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        worker.wait(timeout=budget)
    except subprocess.TimeoutExpired:  # the budget is spent: stop cosmic-ray and its pytest, report what ran
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait()
    shutil.copy2(ROOT / module, tree / module)  # undo a mutant left applied by the interrupted run
    return _results(session)


def _results(session: Path) -> dict:
    with sqlite3.connect(session) as db:
        rows = db.execute(
            "SELECT m.module_path, m.operator_name, m.occurrence, m.start_pos_row, r.test_outcome "
            "FROM mutation_specs m LEFT JOIN work_results r ON r.job_id = m.job_id").fetchall()
    total = len(rows)
    done = [r for r in rows if r[4] is not None]
    survivors = [f"{r[0]}:{r[3]} {r[1]} #{r[2]}" for r in done if r[4] == "SURVIVED"]
    return {"total": total, "run": len(done), "killed": sum(1 for r in done if r[4] == "KILLED"),
            "survived": len(survivors), "survivors": sorted(survivors)}


def template_mutants(tree: Path) -> list[tuple[Path, int, str]]:
    """(template, offset, expression) for every ``{{ value }}`` that would be dangerous unescaped."""
    found = []
    for template in sorted((tree / "viewer" / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"\{\{(.+?)\}\}", text, flags=re.S):
            expression = match.group(1)
            if not _NOT_A_VALUE.search(expression):
                found.append((template, match.end(1), expression.strip()))
    return found


def run_templates(tree: Path, budget: float) -> dict:
    mutants = template_mutants(tree)
    started, survivors, run, killed = time.monotonic(), [], 0, 0
    env = environment(tree)
    for template, offset, expression in mutants:
        if time.monotonic() - started > budget:
            break
        original = template.read_text(encoding="utf-8")
        template.write_text(original[:offset] + " | safe " + original[offset:], encoding="utf-8")
        try:
            outcome = subprocess.run(PYTEST + TEMPLATE_TESTS, cwd=tree, env=env, capture_output=True, timeout=600)
        finally:
            template.write_text(original, encoding="utf-8")
        run += 1
        if outcome.returncode == 0:
            survivors.append(f"{template.relative_to(tree)}: {{{{ {expression} | safe }}}}")
        else:
            killed += 1
    return {"total": len(mutants), "run": run, "killed": killed, "survived": len(survivors), "survivors": survivors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=300, help="seconds per module (and for the templates)")
    parser.add_argument("--only", action="append", help="a module (or 'templates') to run; repeatable")
    args = parser.parse_args(argv)
    parts = args.only or [*TARGETS, "templates"]
    with tempfile.TemporaryDirectory(prefix="jinshi-mutants-") as folder:
        tree = Path(folder)
        copy_tree(tree)
        report = {}
        for part in parts:
            print(f"== {part} (budget {args.budget:.0f} s)", flush=True)
            result = run_templates(tree, args.budget) if part == "templates" else \
                run_python_module(tree, part, TARGETS[part], args.budget)
            report[part] = result
            for line in result["survivors"]:
                print(f"  survived: {line}")
            print(f"  {result['run']} of {result['total']} mutants run: {result['killed']} killed, "
                  f"{result['survived']} survived", flush=True)
    run = sum(r["run"] for r in report.values())
    survived = sum(r["survived"] for r in report.values())
    print(f"== survival: {survived} of {run} mutants run ({100 * survived / run if run else 0:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
