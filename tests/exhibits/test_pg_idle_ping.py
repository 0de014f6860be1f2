"""PostgreSQL connections are pinged before use only after sitting idle: one in constant use costs no extra round
trip, and one the server dropped while it sat in the pool is replaced, not handed to a request."""
import pytest
from sqlalchemy import text

from exhibits import db as db_module


@pytest.fixture
def pg(runtime):
    if runtime.db.is_sqlite:
        pytest.skip("PostgreSQL's connection pool (SQLite opens files)")
    return runtime.db.engine


def _age_pool(engine, seconds: float) -> None:
    """Make every connection in the pool look idle for ``seconds``."""
    for record in list(engine.pool._pool.queue):
        record.info["idle_since"] -= seconds


def test_a_connection_in_constant_use_is_not_pinged_and_an_idle_one_is(pg, monkeypatch):
    pings = []
    real = pg.dialect.do_ping
    monkeypatch.setattr(pg.dialect, "do_ping", lambda connection: pings.append(1) or real(connection))
    for _ in range(5):
        with pg.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    assert pings == []
    _age_pool(pg, db_module.IDLE_PING_SECONDS + 1)
    with pg.connect() as connection:
        assert connection.execute(text("SELECT 2")).scalar() == 2
    assert pings == [1]


def test_a_connection_the_server_dropped_while_idle_is_replaced_before_use(pg):
    with pg.connect() as connection:
        dropped = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    with pg.connect() as other:  # a second connection: the dropped one stays in the pool
        with pg.connect() as killer:
            assert killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped}).scalar()
        other.rollback()
    _age_pool(pg, db_module.IDLE_PING_SECONDS + 1)
    pids = set()
    for _ in range(3):
        with pg.connect() as connection:  # never the dead one: its ping failed and the pool opened another
            pids.add(connection.execute(text("SELECT pg_backend_pid()")).scalar())
    assert dropped not in pids
