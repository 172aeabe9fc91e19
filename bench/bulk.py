"""Bulk writes for the generated city: COPY on PostgreSQL (psycopg's copy), executemany on SQLite.

Rows are tuples in the order of the columns given (field names); ids are assigned by the caller (`ids`), so
foreign keys can be written without reading anything back. On PostgreSQL the big tables' indexes and
constraints can be dropped for the load and rebuilt afterwards (`without_indexes`), which is how a bulk
load is usually done: one sort per index instead of millions of index insertions.
"""

import contextlib
import datetime
import decimal
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection

SQLITE_BATCH = 10_000


class BulkWriter:
    def __init__(self):
        self.vendor = connection.vendor
        self.counts: dict[str, int] = {}
        self.models: set = set()

    def next_id(self, model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            return cursor.fetchone()[0] + 1

    def ids(self, model):
        """Consecutive ids after the table's largest: `it = writer.ids(Case); pk = next(it)`."""
        start = self.next_id(model)
        return iter(range(start, 2**62))

    def columns(self, model, names: list[str]) -> list[str]:
        quote = connection.ops.quote_name  # "end", "start" … are keywords
        return [quote(model._meta.get_field(name).column) for name in names]

    def write(self, model, names: list[str], rows: Iterable[tuple]) -> int:
        """Insert ROWS (tuples in the order of NAMES, which must include every NOT NULL column)."""
        self._check_columns(model, names)
        table = model._meta.db_table
        columns = self.columns(model, names)
        self.models.add(model)
        count = 0
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
            batch = []
            with connection.cursor() as cursor:
                for row in rows:
                    batch.append(tuple(map(_sqlite_value, row)))
                    if len(batch) >= SQLITE_BATCH:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.counts[table] = self.counts.get(table, 0) + count
        return count

    @staticmethod
    def _check_columns(model, names):
        given = set(names)
        missing = [
            f.name
            for f in model._meta.concrete_fields
            if not f.null and not f.primary_key and f.name not in given and f.attname not in given
        ]
        if missing:
            raise ValueError(f"{model.__name__}: no value for NOT NULL columns {missing}")

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.models))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def analyze(self) -> None:
        """Statistics for the planner; on PostgreSQL outside a transaction also VACUUM, as autovacuum would
        have done on a live database (the visibility map lets a deep roster page read its index alone)."""
        command = "VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE"
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for model in self.models:
                    cursor.execute(f"{command} {model._meta.db_table}")
            else:
                cursor.execute("ANALYZE")


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


@contextlib.contextmanager
def without_indexes(models):
    """PostgreSQL: drop the secondary indexes, unique and foreign-key constraints of MODELS' tables for the
    load and create them again at the end (inside the same transaction). Elsewhere: nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    saved = []  # (table, kind, name, definition)
    with connection.cursor() as cursor:
        _fire_deferred(cursor)  # a table with pending (deferred) foreign-key checks cannot be altered
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                [table],
            )
            for name, kind, definition in cursor.fetchall():
                saved.append((table, "constraint", name, definition, kind))
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype = 'p')",
                [table],
            )
            for name, definition in cursor.fetchall():
                saved.append((table, "index", name, definition, ""))
                cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        _fire_deferred(cursor)
        # Unique constraints and plain indexes first, foreign keys last (they are checked as they are added).
        for table, kind, name, definition, _contype in sorted(saved, key=lambda s: s[4] == "f"):
            if kind == "index":
                cursor.execute(definition)
            else:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _fire_deferred(cursor) -> None:
    """Run the pending deferred constraint checks now, then defer again (Django's foreign keys are
    DEFERRABLE INITIALLY DEFERRED)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
