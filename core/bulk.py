"""Bulk writes for the large imports (名单导入, 收款确认): rows as plain tuples, no model instances.

PostgreSQL: one COPY (psycopg's `copy`), the fastest way in; SQLite: `executemany` in large batches. The
caller gives the model's field names (columns follow from them) and values already in database form (ids,
dates, JSON text); nothing is read back.
"""

import contextlib
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
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= SQLITE_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


@contextlib.contextmanager
def temporary_values(name: str, values: list[str]):
    """VALUES in a temporary one-column table NAME (COPY / executemany), for the duration of the block,
    which gets a subquery usable as `field__in=…`: one set-based query instead of batches of parameters."""
    quote = connection.ops.quote_name
    table = quote(name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} (value varchar(100) PRIMARY KEY)")
        try:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} (value) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row((value,))
                cursor.execute(f"ANALYZE {table}")  # the planner sees its size (a hash or an index join)
            else:
                cursor.executemany(f"INSERT INTO {table} (value) VALUES (%s)", [(v,) for v in values])
            yield RawSQL(f"SELECT value FROM {table}", ())
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
