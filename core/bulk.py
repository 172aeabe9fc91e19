"""Bulk writes for the large imports (名单导入, 收款确认): rows as plain tuples, no model instances.

PostgreSQL: one COPY (psycopg's `copy`), the fastest way in; SQLite: `executemany` in large batches. The
caller gives the model's field names (columns follow from them) and values already in database form (ids,
dates, JSON text); nothing is read back.
"""

from collections.abc import Iterable

from django.db import connection

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
