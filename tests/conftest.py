"""Fixtures over real parts: a catalogue database (SQLite, or PostgreSQL with
JINSHI_TEST_DATABASE=postgres), a media store and search index in a temporary
JINSHI_HOME, the Flask app and its test client, and a CLI runner."""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from exhibits.settings import Settings

HALLS_YAML = """\
museums:
  - slug: copper
    title: {zh: 铜陵数字铜博物馆, en: Tongling Digital Copper Museum}
    summary: {zh: 青铜与铜的千年记忆, en: "Three thousand years of bronze & copper"}
    halls:
      - slug: bronze-vessels
        title: {zh: 青铜容器, en: Bronze Vessels}
        sections:
          - slug: shang
            title: {zh: 商代青铜器, en: Shang Bronzes}
          - slug: zhou
            title: {zh: 周代青铜器, en: Zhou Bronzes}
      - slug: mirrors
        title: {zh: 铜镜, en: Bronze Mirrors}
  - slug: ich
    title: {zh: 非物质文化遗产馆, en: Intangible Cultural Heritage Hall}
    halls:
      - slug: crafts
        title: {zh: 传统技艺, en: Traditional Crafts}
"""


@pytest.fixture(autouse=True)
def _logging_as_a_fresh_process_has_it():
    """Undo what an in-process ``jinshi ... --verbose`` did to logging (viewer/cli.py ``_log_to_stderr``
    turns its stderr handler and the root logger up to INFO for the rest of the process): a later test's
    CLI output must be what a fresh ``jinshi`` prints, whichever tests ran before it in this worker."""
    import logging
    import sys

    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)
    cli = sys.modules.get("viewer.cli")
    handler = getattr(cli, "_stderr_log", None)
    if handler is not None:
        handler.setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def postgres_server():
    if os.environ.get("JINSHI_TEST_DATABASE") != "postgres":
        yield None
        return
    from tests.support.pgserver import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def migrated_catalogue(tmp_path_factory, postgres_server):
    """A catalogue at this code's newest revisions, migrated once per test process by the real
    :func:`exhibits.db.upgrade`: the SQLite file, or the name of a PostgreSQL template database.

    Running Alembic costs about 0.1 s per test on SQLite and 0.4 s on PostgreSQL; a copy costs a few
    milliseconds (SQLite) or about 0.1 s (PostgreSQL's FILE_COPY strategy).
    """
    from exhibits.db import Database, upgrade

    if postgres_server is None:
        path = tmp_path_factory.mktemp("migrated") / "catalogue.sqlite3"
        url = f"sqlite:///{path}"
    else:
        path = None
        url = postgres_server.create_database(TEMPLATE_DATABASE)
    db = Database(url)
    try:
        upgrade(db.engine)
    finally:
        db.dispose()  # the last connection out checkpoints SQLite's WAL into the file
    return path if path is not None else TEMPLATE_DATABASE


TEMPLATE_DATABASE = "jinshi_migrated_template"


@pytest.fixture
def database_url(request, tmp_path, postgres_server):
    """An empty catalogue for this test, or, when the test opens the ``runtime`` fixture (whose
    Runtime would migrate it first thing), a copy of :func:`migrated_catalogue`: the Runtime's own
    upgrade then finds the newest revisions already there, as it does on a migrated site."""
    migrated = request.getfixturevalue("migrated_catalogue") if "runtime" in request.fixturenames else None
    if postgres_server is None:
        path = tmp_path / "home" / "catalogue.sqlite3"
        if migrated is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(migrated, path)
        yield f"sqlite:///{path}"
        return
    name = f"jinshi_{uuid.uuid4().hex[:12]}"
    yield postgres_server.create_database(name, template=migrated)
    postgres_server.drop_database(name)


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return Settings(home=home, base_url="http://museum.test", database_url=database_url).resolved()


@pytest.fixture
def runtime(settings):
    from viewer.runtime import Runtime

    rt = Runtime(settings)
    yield rt
    rt.close()


@pytest.fixture
def halls_file(tmp_path) -> Path:
    path = tmp_path / "halls.yaml"
    path.write_text(HALLS_YAML, encoding="utf-8")
    return path


@pytest.fixture
def museum_runtime(runtime, halls_file):
    """A runtime whose catalogue has the test museums, halls and sections."""
    from exhibits.halls import load_halls

    load_halls(runtime.db, halls_file)
    return runtime


@pytest.fixture
def app(museum_runtime):
    from viewer.app import create_app

    return create_app(runtime=museum_runtime, TESTING=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(settings, monkeypatch):
    """Invoke ``jinshi`` in-process with JINSHI_HOME and the database of this test."""
    from viewer.cli import main

    monkeypatch.setenv("JINSHI_HOME", str(settings.home))
    monkeypatch.setenv("JINSHI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("JINSHI_BASE_URL", settings.base_url)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke
