"""Core statements run on SQLite's DB-API cursor: SQLAlchemy's SQL and type conversions, without its execution
context for each statement.

A booking's write transaction holds SQLite's one write lock; SQLAlchemy spends more of that time on each of its
statements (execution context, parameter processing, result set-up) than SQLite does. Here a statement is compiled
once for the connection's dialect and its parameters go through the same bind processors SQLAlchemy would apply
(datetimes, booleans, JSON), so the rows are byte for byte what ``connection.execute`` writes. PostgreSQL keeps
``connection.execute`` (its row locks do not serialise writers process-wide).
"""
from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Mapping

from sqlalchemy import Connection
from sqlalchemy.sql import ClauseElement

#: Errors of a statement run here that mean what SQLAlchemy's IntegrityError means (a unique index refused it).
INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)


class Compiled:
    """One statement compiled for SQLite with the parameter names it takes."""

    def __init__(self, statement: ClauseElement, dialect: Any, keys: Iterable[str] | None = None) -> None:
        self._compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
        self.sql = str(self._compiled)
        processors = self._compiled._bind_processors  # what SQLAlchemy applies to each parameter before the driver
        self._order = [(name, processors.get(name)) for name in self._compiled.positiontup]

    def parameters(self, values: Mapping[str, Any]) -> tuple:
        params = self._compiled.construct_params(values)  # fills the statement's own literals ('open')
        return tuple(p(params[name]) if p is not None else params[name] for name, p in self._order)


class Direct:
    """Run compiled statements on a SQLAlchemy connection's DB-API connection, inside its transaction."""

    def __init__(self, connection: Connection) -> None:
        self.cursor = connection.connection.dbapi_connection.cursor()

    def insert_many(self, compiled: Compiled, rows: list[Mapping[str, Any]]) -> None:
        self.cursor.executemany(compiled.sql, [compiled.parameters(row) for row in rows])

    def many(self, compiled: Compiled, rows: list[Mapping[str, Any]]) -> int:
        """Run a statement once for each of ``rows``; the rows it changed in all."""
        self.cursor.executemany(compiled.sql, [compiled.parameters(row) for row in rows])
        return self.cursor.rowcount

    def rows(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple]:
        """The rows of a plain query (no type conversion: integers and text)."""
        return self.cursor.execute(sql, tuple(parameters)).fetchall()

    def scalar(self, sql: str, parameters: Iterable[Any] = ()) -> Any:
        row = self.cursor.execute(sql, tuple(parameters)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.cursor.close()
