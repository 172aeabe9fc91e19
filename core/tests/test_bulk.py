"""core.bulk writes exactly the values it is given (SQLite: one INSERT from json_each per batch; a batch
with a value JSON cannot carry goes the executemany way), and a temporary table holds the values given."""

import datetime
import json

import pytest
from django.db import connection

from core import bulk
from enrollment.models import RosterEntry

pytestmark = pytest.mark.django_db

NAMES = ["application", "row_number", "name", "id_number", "mobile", "sex", "birth_date", "shares"]
TRICKY = [
    "张三",
    'O\'Brien "Bob"',
    "back\\slash",
    "tab\tand\nnewline",
    "😀 emoji",
    '{"not": "json"}',
    "[1, 2]",
    "é",
]


def stored(application) -> list[tuple]:
    return list(
        RosterEntry.objects.filter(application=application)
        .order_by("pk")
        .values_list("row_number", "name", "id_number", "mobile", "sex", "birth_date", "shares")
    )


def rows_for(application, count: int) -> list[tuple]:
    return [
        (
            application.pk,
            number,
            TRICKY[number % len(TRICKY)],
            f"{number:018d}",
            "" if number % 3 else "13800000000",
            "FM"[number % 2],
            datetime.date(1950, 1, 1) + datetime.timedelta(days=number),
            json.dumps({"ZJ": number % 4}),
        )
        for number in range(count)
    ]


def test_rows_are_stored_with_every_value_as_given_and_in_the_given_order(factory, monkeypatch):
    monkeypatch.setattr(bulk, "SQLITE_BATCH", 7)  # several batches and a short last one
    application = factory.application()
    rows = rows_for(application, 30)
    assert bulk.insert_rows(RosterEntry, NAMES, iter(rows)) == 30
    assert stored(application) == [(*row[1:7], json.loads(row[7])) for row in rows]


def test_a_value_of_another_type_is_written_the_database_driver_s_way(factory, monkeypatch):
    """SQLite: the batch goes by executemany; PostgreSQL: psycopg formats the rest of the COPY."""
    monkeypatch.setattr(bulk, "SQLITE_BATCH", 4)
    application = factory.application()
    rows = rows_for(application, 8)
    rows[5] = (*rows[5][:6], datetime.datetime(1970, 1, 2, 3, 4), rows[5][7])  # JSON has no datetime
    assert bulk.insert_rows(RosterEntry, NAMES, rows) == 8
    if connection.vendor == "postgresql":
        dates = [row[6] for row in rows]
        dates[5] = datetime.date(1970, 1, 2)  # the timestamp's date, as PostgreSQL reads it
        assert [row[5] for row in stored(application)] == dates
        assert [row[1] for row in stored(application)] == [row[2] for row in rows]
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(birth_date AS TEXT) AS d FROM enrollment_rosterentry"
            " WHERE application_id = %s ORDER BY id",
            [application.pk],
        )
        dates = [value for (value,) in cursor.fetchall()]
    assert dates[4:6] == ["1950-01-05", "1970-01-02 03:04:00"]  # the sqlite3 adapter's text, as before
    assert len(dates) == 8


def test_a_temporary_table_holds_exactly_the_values(factory):
    values = ["370202198506010011", "110105199001010022", "1", "张三", "a'b"]
    with bulk.temporary_values("test_values", values) as subquery, connection.cursor() as cursor:
        cursor.execute(subquery.sql)
        found = {value for (value,) in cursor.fetchall()}
    assert found == set(values)
