"""check_roster's common-row path gives exactly what the exact rules give: the same entries, the same
errors (row, column, message) in the same order, the same 60+ count — for random rows of every kind of
cell a file can hold (valid and invalid ID numbers, full-width digits, spaces, NUL, numbers as floats,
booleans, wrong 份, duplicates, under-age and male members in a women-only plan)."""

import datetime
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.validators import id_check_digit
from enrollment import roster
from enrollment.roster import FIXED_COLUMNS, PlanColumn, check_roster, expected_header, read_rows
from tests.factories import Factory

START = datetime.date(2026, 4, 1)
ZJ = PlanColumn(code="ZJ", name="重大疾病互助保障", shares=1, min_age=16, female_only=False)
NG = PlanColumn(code="NG", name="女职工特殊疾病互助保障", shares=2, min_age=16, female_only=True)
OLD = PlanColumn(code="LN", name="老年互助保障", shares=3, min_age=55, female_only=False)
PLAN_SETS = [[ZJ], [ZJ, NG], [NG, OLD, ZJ]]


def exact_only(monkeypatch):
    """The import as it was: every row through the exact rules."""
    monkeypatch.setattr(roster, "_common_rows", lambda *args: lambda *row: None)


def outcome(rows, plans, **kw):
    try:
        result = check_roster(rows, plans=plans, period_start=START, max_rows=kw.get("max_rows", 1000))
    except roster.RosterFileError as error:
        return ("refused", error.message)
    return (result.rows, result.errors, result.over60, result.total)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


def an_id(birth: datetime.date, seq: int, region: str = "370202") -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


births = st.one_of(
    st.dates(datetime.date(1930, 1, 1), datetime.date(2012, 12, 31)),  # mostly adults, some under 16
    st.dates(datetime.date(1890, 1, 1), datetime.date(2040, 12, 31)),  # before 1900, in the future
)
valid_ids = st.builds(an_id, births, st.integers(0, 999), st.sampled_from(["370202", "110105", "440305"]))


@st.composite
def id_cells(draw):
    number = draw(valid_ids)
    kind = draw(
        st.sampled_from(["plain"] * 6 + ["check", "x", "wide", "space", "nul", "short", "date", "num"])
    )
    if kind == "check":  # a wrong check digit
        return number[:17] + draw(st.sampled_from([c for c in "0123456789X" if c != number[17]]))
    if kind == "x":
        return number[:17] + ("x" if number[17] == "X" else number[17])
    if kind == "wide":
        return full_width(number)
    if kind == "space":
        return f" {number[:6]} {number[6:]}\u3000"
    if kind == "nul":
        return number[:9] + "\x00" + number[9:]
    if kind == "short":
        return draw(st.sampled_from([number[:15], number[:17], number + "1", "", "1.1E+17", "ABC"]))
    if kind == "date":  # 30 February, month 13
        return draw(st.sampled_from([number[:10] + "0230", number[:10] + "1301"])) + number[14:]
    return draw(st.sampled_from([float(number[:17]), int(number[:17]), True]))


names = st.one_of(
    st.sampled_from(["张三", "李 四", "王  五", "欧阳娜娜", "Zhang San", "A" * 50, "B" * 51, "", " ", None]),
    st.sampled_from(["王\u200b五", "赵\x00六", "Ｌｉ", "钱\t七", "孙\u202e八", 7, 3.0, True]),
    st.text(max_size=8),
)
mobiles = st.one_of(
    st.sampled_from(["13800000000", "", None, 13800000000.0, 13900000001, "138 0000 0000", "1380000000"]),
    st.sampled_from(
        ["23800000000", 13800000000.5, full_width("13800000000"), "1" + "\u0661" * 10, True, 1.5, "\x00"]
    ),
    st.text(alphabet="0123456789 ", max_size=12),
)
share_cells = st.one_of(
    st.sampled_from([None, 0, 0.0, -0.0, 1, 1.0, "1", " 1", 2, 2.0, "2", 3, 3.0, "", "0"]),
    st.sampled_from(["abc", True, False, -1, 1.5, math.nan, math.inf, "１", "1e0", 10**20]),
)


good_names = st.sampled_from(["张三", "李 四", "欧阳娜娜", "Zhang San", "A" * 50])
good_mobiles = st.sampled_from(["13800000000", "", None, 13800000000.0, 13900000001])


@st.composite
def rosters(draw):
    """Mostly plain rows (the common path's), each with a chance of one or two odd cells."""
    plans = draw(st.sampled_from(PLAN_SETS))
    pool = draw(st.lists(st.one_of(valid_ids, valid_ids, id_cells()), min_size=1, max_size=40))
    rows = [expected_header(plans)]
    for number in range(draw(st.integers(1, 30))):
        row = [draw(st.sampled_from([number + 1, float(number + 1), None, "x"])), draw(good_names)]
        row += [draw(st.sampled_from(pool)), draw(good_mobiles)]
        row += [
            p.shares if draw(st.integers(0, 3)) else draw(st.sampled_from([None, float(p.shares)]))
            for p in plans
        ]
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
            column = draw(st.integers(1, len(row) - 1))
            row[column] = draw({1: names, 2: id_cells(), 3: mobiles}.get(column, share_cells))
        shape = draw(st.sampled_from(["full"] * 12 + ["short", "long", "blank"]))
        if shape == "short":
            row = row[: draw(st.integers(0, len(row) - 1))]
        elif shape == "long":
            row += [draw(st.sampled_from([None, "", "多余", 0]))]
        elif shape == "blank":
            row = [draw(st.sampled_from([None, "", " ", "\u200b"])) for _ in row]
        rows.append(row)
    return plans, rows


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roster_case=rosters())
def test_random_rows_get_the_same_entries_errors_and_counts_from_both_paths(monkeypatch, roster_case):
    plans, rows = roster_case
    common = outcome(rows, plans)
    with monkeypatch.context() as patch:
        exact_only(patch)
        exact = outcome(rows, plans)
    assert common == exact


def test_numbers_as_floats_and_text_cells_of_a_real_file_take_the_common_path_with_the_same_answer(
    monkeypatch,
):
    people = Factory().people(300, shares=[1.0, None], birth=datetime.date(1960, 5, 5))  # men of 65
    people += Factory().people(200, shares=[1, 2], female=True, first=300)
    people[7][3] = 13800000007.0  # a mobile typed as a number
    people[9][2] = people[9][2][:-1] + ("1" if people[9][2][-1] != "1" else "2")  # a wrong check digit
    people[11][2] = people[3][2]  # a duplicate
    rows = read_rows("名单.xlsx", Factory.roster_xlsx(people, codes=["ZJ", "NG"]))
    assert type(rows[1][0]) is float  # as calamine gives every number
    used = []
    real = roster._common_rows

    def counting(*args):
        check = real(*args)

        def counted(*row):
            entry = check(*row)
            used.append(entry is not None)
            return entry

        return counted

    monkeypatch.setattr(roster, "_common_rows", counting)
    common = outcome(rows, [ZJ, NG])
    monkeypatch.undo()
    with monkeypatch.context() as patch:
        exact_only(patch)
        exact = outcome(rows, [ZJ, NG])
    assert common == exact
    entries, errors, over60, _total = common
    assert [(row, column) for row, column, _ in errors] == [(11, "身份证号"), (13, "身份证号")]
    assert over60 == 298 and len(entries) == 498
    assert used.count(True) == 498  # every row but the two bad ones
    assert entries[7].mobile == "13800000007"


@pytest.mark.parametrize("plans", PLAN_SETS)
def test_every_message_of_a_hand_written_roster_is_the_exact_rules_one(monkeypatch, plans):
    woman, man, old = (
        an_id(datetime.date(1990, 2, 3), 22),
        an_id(datetime.date(1985, 6, 1), 11),
        an_id(datetime.date(1950, 1, 1), 33),
    )
    width = len(FIXED_COLUMNS) + len(plans)
    cells = [
        [1, "甲", woman, "13800000000"],
        [2, "乙", man, 13800000001.0],
        [3, "丙", old, ""],
        [4, "丁", man, ""],
    ]
    cells += [
        [5, "戊", an_id(datetime.date(2015, 1, 1), 44), None],
        [6, "己" * 51, an_id(datetime.date(1980, 1, 1), 55), ""],
    ]
    cells += [
        [8, "辛", an_id(datetime.date(1980, 1, 1), 66), 13800000000.5],
        [9, "壬", woman[:-1] + "0", ""],
    ]
    cells += [
        [10, "癸" * 50, an_id(datetime.date(2030, 1, 1), 77), ""],
        [11, "子", old, "1"],
        [12, "丑", an_id(datetime.date(1899, 12, 31), 88), ""],
    ]
    rows = [expected_header(plans)] + [row + [p.shares for p in plans] for row in cells]
    rows.append([7, "庚", man] + [None] * (width - 3))
    common = outcome(rows, plans)
    with monkeypatch.context() as patch:
        exact_only(patch)
        assert outcome(rows, plans) == common
    entries, errors, over60, total = common
    assert total == 12 and over60 == sum(entry.id_number == old for entry in entries)
    assert {(row, column) for row, column, _ in errors} >= {
        (5, "身份证号"),  # 丁: the same man as 乙
        (7, "姓名"),  # 51 characters
        (8, "手机号"),  # 13800000000.5
        (10, "身份证号"),  # born 2030
        (11, "身份证号"),  # 子: the same as 丙
        (12, "身份证号"),  # born 1899
    }
