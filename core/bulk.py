"""Bulk writes for the large imports (名单导入, 收款确认): rows as plain tuples, no model instances.

PostgreSQL: one COPY (psycopg's `copy`), the fastest way in; SQLite: one INSERT … SELECT … FROM json_each(…)
per large batch (one bound parameter per batch). The caller gives the model's field names (columns follow
from them) and values already in database form (ids, dates, JSON text); nothing is read back.
"""

import contextlib
import datetime
import json
import re
from collections.abc import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL

SQLITE_BATCH = 20_000


def insert_rows(model, names: list[str], rows: Iterable[tuple]) -> int:
    """Insert ROWS (tuples in the order of NAMES) into MODEL's table; the number of rows written."""
    quote = connection.ops.quote_name  # "end", "start" … are keywords
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                return _copy(copy, rows)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
        extracts = ", ".join(f"json_extract(value, '$[{index}]')" for index in range(len(names)))
        from_json = f"INSERT INTO {table} ({columns}) SELECT {extracts} FROM json_each(%s) ORDER BY key"
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= SQLITE_BATCH:
                _sqlite_insert(cursor, sql, from_json, batch)
                count += len(batch)
                batch = []
        if batch:
            _sqlite_insert(cursor, sql, from_json, batch)
            count += len(batch)
    return count


_PLAIN = {int, str, datetime.date}
_SPECIAL = re.compile("[\\\\\n\r\b\f\v]")  # what COPY's text format escapes, besides the tab
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
_ANY_SPECIAL = re.compile("[\\\\\t\n\r\b\f\v]")


def _copy_field(value) -> str | None:
    """VALUE in COPY's text format as psycopg writes it, or None for a type left to psycopg."""
    kind = type(value)
    if value is None:
        return "\\N"
    if kind is str:
        return _ANY_SPECIAL.sub(lambda found: _ESCAPES[found.group()], value)
    if kind is int or kind is datetime.date:
        return str(value)  # a date's str is its ISO format, as psycopg sends it
    if kind is bool:
        return "t" if value else "f"
    return None


def _copy(copy, rows: Iterable[tuple]) -> int:
    """ROWS into COPY, formatted here a line at a time — a row of ints, texts without a character COPY
    escapes and dates is its values joined by tabs — and sent 2,000 lines at a time (psycopg's
    write_row formats value by value in Python). From the first value of another type on, psycopg
    formats the rest."""
    count, lines = 0, []
    rows = iter(rows)
    for row in rows:
        line = "\t".join(map(str, row))
        if not set(map(type, row)) <= _PLAIN or line.count("\t") != len(row) - 1 or _SPECIAL.search(line):
            fields = [_copy_field(value) for value in row]
            if None in fields:
                if lines:
                    copy.write("\n".join(lines) + "\n")
                copy.write_row(row)
                for rest in rows:
                    copy.write_row(rest)
                    count += 1
                return count + 1
            line = "\t".join(fields)
        lines.append(line)
        count += 1
        if len(lines) >= 2000:
            copy.write("\n".join(lines) + "\n")
            lines = []
    if lines:
        copy.write("\n".join(lines) + "\n")
    return count


def _json_value(value):
    if type(value) is datetime.date:
        return value.isoformat()  # what the sqlite3 adapter stores for a date
    raise TypeError(type(value).__name__)


def _sqlite_insert(cursor, sql: str, from_json: str, batch: list[tuple]) -> None:
    """BATCH in one statement: the rows as one JSON array, taken apart by SQLite's json_each — binding
    one parameter instead of one per value (executemany binds 8 per row, half the import's write).
    Values JSON cannot carry exactly (a datetime, NaN, bytes …) go the executemany way."""
    try:
        data = json.dumps(batch, ensure_ascii=False, allow_nan=False, default=_json_value)
    except (TypeError, ValueError):
        cursor.executemany(sql, batch)
        return
    cursor.execute(from_json, [data])


@contextlib.contextmanager
def temporary_values(name: str, values: list[str]):
    """VALUES in a temporary one-column table NAME (COPY / one INSERT from json_each), for the duration of
    the block, which gets a subquery usable as `field__in=…`: one set-based query instead of batches of
    parameters."""
    quote = connection.ops.quote_name
    table = quote(name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} (value varchar(100) PRIMARY KEY)")
        try:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} (value) FROM STDIN") as copy:
                    for value in sorted(values):  # in order: the primary key's B-tree fills fastest
                        copy.write_row((value,))
                cursor.execute(f"ANALYZE {table}")  # the planner sees its size (a hash or an index join)
            else:  # one JSON parameter instead of one statement's binding per value; sorted as above
                cursor.execute(
                    f"INSERT INTO {table} (value) SELECT value FROM json_each(%s)",
                    [json.dumps(sorted(values))],
                )
            yield RawSQL(f"SELECT value FROM {table}", ())
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
