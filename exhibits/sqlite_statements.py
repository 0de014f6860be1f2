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
from collections import namedtuple
from typing import Any, Iterable, Mapping

from sqlalchemy import Connection, Select
from sqlalchemy.sql import ClauseElement

#: Errors of a statement run here that mean what SQLAlchemy's IntegrityError means (a unique index refused it).
INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)


class Compiled:
    """One statement compiled for SQLite with the parameter names it takes."""

    def __init__(self, statement: ClauseElement, dialect: Any, keys: Iterable[str] | None = None) -> None:
        self._compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
        self.sql = str(self._compiled)
        binds = self._compiled.binds  # each parameter through its type's processor, as SQLAlchemy sends it
        self._order = [(name, binds[name].type.dialect_impl(dialect).bind_processor(dialect))
                       for name in self._compiled.positiontup]

    def parameters(self, values: Mapping[str, Any]) -> tuple:
        params = self._compiled.construct_params(values)  # fills the statement's own literals ('open')
        return tuple(p(params[name]) if p is not None else params[name] for name, p in self._order)


class Query:
    """A SELECT with one expanding parameter (``IN :name``), compiled for SQLite once for each number of values
    that parameter is given, its rows converted by the column types as SQLAlchemy's results are (datetimes,
    booleans) and read by attribute (``row.starts``).

    SQLAlchemy expands such a parameter on every execution; with its execution context and result set-up that
    is several times what SQLite takes to answer a booking's rules read."""

    def __init__(self, statement: Select, dialect: Any, expanding: str) -> None:
        self._compiled = statement.compile(dialect=dialect)
        self._expanding = expanding
        self._forms: dict[int, tuple[str, list[tuple[str, Any]], dict[str, Any], list[str]]] = {}
        columns = list(statement.selected_columns)
        self._row = namedtuple("Row", [column.key for column in columns])  # type: ignore[misc]
        self._converters = [(i, convert) for i, column in enumerate(columns)
                            if (convert := column.type.dialect_impl(dialect).result_processor(dialect, None))]

    def _form(self, values: Mapping[str, Any]) -> tuple[str, list[tuple[str, Any]], dict[str, Any], list[str]]:
        """The SQL, parameter order with processors, fixed parameters and expanded names for this many values."""
        count = len(values[self._expanding])
        form = self._forms.get(count)
        if form is None:
            state = self._compiled.construct_expanded_state(values)
            expanded = list(state.parameter_expansion.get(self._expanding, ()))
            order = [(name, state.processors.get(name)) for name in state.positiontup or ()]
            form = self._forms[count] = (state.statement, order, dict(state.parameters), expanded)
        return form

    def parameters(self, values: Mapping[str, Any]) -> tuple[str, tuple]:
        """The SQL and the driver's parameters of one execution with ``values``."""
        sql, order, fixed, expanded = self._form(values)
        params = {**fixed, **values, **dict(zip(expanded, values[self._expanding]))}
        return sql, tuple(p(params[name]) if p is not None else params[name] for name, p in order)

    def convert(self, row: tuple | None) -> Any:
        if row is None:
            return None
        if self._converters:
            row = list(row)
            for i, convert in self._converters:
                row[i] = convert(row[i])
        return self._row(*row)


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

    def first(self, query: Query, values: Mapping[str, Any]) -> Any:
        """The first row of ``query`` with ``values``, or None."""
        return query.convert(self.cursor.execute(*query.parameters(values)).fetchone())

    def rows(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple]:
        """The rows of a plain query (no type conversion: integers and text)."""
        return self.cursor.execute(sql, tuple(parameters)).fetchall()

    def scalar(self, sql: str, parameters: Iterable[Any] = ()) -> Any:
        row = self.cursor.execute(sql, tuple(parameters)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.cursor.close()
