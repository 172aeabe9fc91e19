"""Every rule of SPEC §6.3, through small generated files read by read_rows and checked by check_roster."""

import datetime

import pytest

from core.errors import DomainError, ErrorCode
from core.samples import tiny_pdf
from core.validators import id_check_digit
from enrollment.roster import PlanColumn, RosterFileError, check_roster, read_rows
from tests.factories import Factory

START = datetime.date(2026, 4, 1)
ZJ = PlanColumn(code="ZJ", name="重大疾病互助保障", shares=1, min_age=16, female_only=False)
NG = PlanColumn(code="NG", name="女职工特殊疾病互助保障", shares=2, min_age=16, female_only=True)
YW = PlanColumn(code="YW", name="意外伤害互助保障", shares=3, min_age=16, female_only=False)

person_id = Factory.person_id
MAN = person_id(datetime.date(1985, 6, 1), 11)
WOMAN = person_id(datetime.date(1990, 2, 3), 22)


def xlsx(rows, plans=(ZJ,), header=None) -> bytes:
    return Factory.roster_xlsx(rows, codes=[p.code for p in plans], header=header)


def check(content: bytes, plans=(ZJ,), *, name="名单.xlsx", max_rows=100, start=START):
    return check_roster(read_rows(name, content), plans=list(plans), period_start=start, max_rows=max_rows)


def errors_of(result) -> list[tuple[int, str]]:
    return [(row, message) for row, _column, message in result.errors]


def id_ending_in_x() -> str:
    for seq in range(1, 1000):
        first17 = f"370202{datetime.date(1988, 8, 8):%Y%m%d}{seq:03d}"
        if id_check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no X check digit found")


# --- the happy path and normalisation -----------------------------------------------------------------


def test_a_valid_roster_gives_one_entry_per_row_with_sex_and_birth_date_from_the_id():
    result = check(xlsx([[1, "张三", MAN, "13900000001", 1], [2, "李四", WOMAN, "", 1]]))
    assert result.errors == []
    assert result.total == 2
    first, second = result.rows
    assert (first.row_number, first.name, first.id_number, first.mobile) == (2, "张三", MAN, "13900000001")
    assert (first.sex, first.birth_date, first.shares) == ("M", datetime.date(1985, 6, 1), {"ZJ": 1})
    assert (second.row_number, second.sex, second.birth_date) == (3, "F", datetime.date(1990, 2, 3))


def test_full_width_digits_spaces_and_a_lower_case_x_are_normalised():
    with_x = id_ending_in_x()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in with_x[:-1]) + "ｘ"
    result = check(xlsx([[1, "  王　 五 ", f" {full_width} ", "１３９０００００００２", "１"]]))
    assert result.errors == []
    (row,) = result.rows
    assert row.id_number == with_x
    assert row.name == "王 五"
    assert row.mobile == "13900000002"
    assert row.shares == {"ZJ": 1}


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_file():
    rows = [[1, "张三", MAN, "", 1], [None, "  ", None, None, None], [], [2, "李四", WOMAN, "", 1]]
    result = check(xlsx(rows))
    assert result.total == 2
    assert [r.row_number for r in result.rows] == [2, 5]


def test_a_csv_roster_is_accepted_in_utf8_and_in_gb18030():
    header = ",".join(Factory.roster_header(["ZJ"]))
    text = f"{header}\n1,张三,{MAN},,1\n2,李四,{WOMAN.lower()},13900000003,1\n"
    for encoding in ("utf-8-sig", "gb18030"):
        result = check(text.encode(encoding), name="名单.csv")
        assert result.errors == []
        assert [r.name for r in result.rows] == ["张三", "李四"]


# --- per-row errors -----------------------------------------------------------------------------------


def test_an_id_stored_by_excel_as_a_number_is_refused_because_digits_are_lost():
    result = check(xlsx([[1, "张三", 370202198506010114, "", 1]]))
    assert result.rows == []
    ((row, column, message),) = result.errors
    assert (row, column) == (2, "身份证号")
    assert "存成了数字" in message and "丢失" in message


def test_an_id_in_scientific_notation_is_refused_because_digits_are_lost():
    result = check(xlsx([[1, "张三", "3.70202E+17", "", 1], [2, "李四", "3.70202198506011e17", "", 1]]))
    assert [row for row, _ in errors_of(result)] == [2, 3]
    assert all("科学计数法" in message and "丢失" in message for _, message in errors_of(result))


def test_a_duplicate_id_names_the_row_where_it_first_appeared():
    result = check(
        xlsx([[1, "张三", MAN, "", 1], [2, "李四", WOMAN, "", 1], [3, "张三", MAN.lower(), "", 1]])
    )
    assert errors_of(result) == [(4, "与第2行身份证号重复")]
    assert [r.row_number for r in result.rows] == [2, 3]


def test_a_missing_name_is_an_error_of_that_row():
    result = check(xlsx([[1, None, MAN, "", 1]]))
    assert result.errors == [(2, "姓名", "姓名不能为空")]


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        (MAN[:-1] + ("1" if MAN[-1] != "1" else "2"), "校验位错误"),
        ("370202850601011", "15位旧身份证号"),
        ("370202198502300119", "出生日期不存在"),  # 30 February
        ("370202203001010119", "出生日期不存在"),  # in the future
        ("37020219850601011", "应为18位"),
        (None, "请填写身份证号"),
    ],
    ids=["checksum", "15-digits", "30-february", "future", "17-digits", "missing"],
)
def test_an_invalid_id_number_is_an_error_naming_the_reason(id_number, message):
    result = check(xlsx([[1, "张三", id_number, "", 1]]))
    ((row, column, text),) = result.errors
    assert (row, column) == (2, "身份证号")
    assert message in text


def test_a_member_under_the_minimum_age_at_the_period_start_is_refused():
    sixteen_on_start = person_id(datetime.date(2010, 4, 1), 13)
    sixteen_next_day = person_id(datetime.date(2010, 4, 2), 15)
    result = check(xlsx([[1, "甲", sixteen_on_start, "", 1], [2, "乙", sixteen_next_day, "", 1]]))
    assert [r.row_number for r in result.rows] == [2]
    assert errors_of(result) == [(3, "保期开始时未满16周岁，不能参加重大疾病互助保障")]


def test_a_man_in_the_female_only_plan_is_refused_but_may_join_the_other_plans():
    other_woman = person_id(datetime.date(1992, 3, 4), 24)
    other_man = person_id(datetime.date(1985, 6, 1), 13)
    rows = [
        [1, "张三", MAN, "", 1, 2],
        [2, "李四", WOMAN, "", 1, 2],
        [3, "王五", other_man, None, 1, None],
        [4, "赵六", other_woman, "", None, 2],
    ]
    result = check(xlsx(rows, plans=(ZJ, NG)), plans=(ZJ, NG))
    assert result.errors == [(2, "女职工特殊疾病互助保障(份)", "女职工特殊疾病互助保障仅限女职工参加")]
    assert [(r.row_number, r.shares) for r in result.rows] == [
        (3, {"ZJ": 1, "NG": 2}),
        (4, {"ZJ": 1}),
        (5, {"NG": 2}),
    ]


def test_members_aged_sixty_or_more_are_counted_as_a_warning_never_an_error():
    sixty_on_start = person_id(datetime.date(1966, 4, 1), 17)
    fifty_nine = person_id(datetime.date(1966, 4, 2), 19)
    seventy = person_id(datetime.date(1956, 1, 1), 21)
    rows = [[1, "甲", sixty_on_start, "", 1], [2, "乙", fifty_nine, "", 1], [3, "丙", seventy, "", 1]]
    result = check(xlsx(rows))
    assert result.errors == []
    assert len(result.rows) == 3
    assert result.over60 == 2


def test_a_share_count_other_than_the_units_is_refused():
    third = person_id(datetime.date(1992, 3, 4), 24)
    rows = [[1, "甲", MAN, "", 2, 3], [2, "乙", WOMAN, "", "一", 3], [3, "丙", third, "", 1, 2]]
    result = check(xlsx(rows, plans=(ZJ, YW)), plans=(ZJ, YW))
    assert result.errors == [
        (2, "重大疾病互助保障(份)", "份数应为1（全单位统一份数）"),
        (3, "重大疾病互助保障(份)", "份数应填写数字"),
        (4, "意外伤害互助保障(份)", "份数应为3（全单位统一份数）"),
    ]


def test_a_row_without_any_plan_is_refused_and_zero_means_not_joining():
    result = check(
        xlsx([[1, "甲", MAN, "", None, 0], [2, "乙", WOMAN, "", 0, 3]], plans=(ZJ, YW)), plans=(ZJ, YW)
    )
    assert result.errors == [(2, "保障计划", "请至少填写一个保障计划的份数")]
    assert [r.shares for r in result.rows] == [{"YW": 3}]


def test_a_bad_mobile_number_is_an_error_of_that_row():
    result = check(xlsx([[1, "甲", MAN, "1390000", 1]]))
    assert result.errors == [(2, "手机号", "手机号应为11位数字")]


def test_every_error_of_every_row_is_listed_with_its_row_number():
    rows = [[1, None, "12345", "", 1], [2, "好人", MAN, "", 1], [3, "乙", WOMAN, "", 5]]
    result = check(xlsx(rows))
    assert [(row, column) for row, column, _ in result.errors] == [
        (2, "姓名"),
        (2, "身份证号"),
        (4, "重大疾病互助保障(份)"),
    ]
    assert [r.row_number for r in result.rows] == [3]


def test_progress_is_reported_every_thousand_rows():
    factory = Factory()
    calls = []
    rows = factory.people(2500)
    check_roster(
        read_rows("x.xlsx", xlsx(rows)),
        plans=[ZJ],
        period_start=START,
        max_rows=3000,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1000, 2500), (2000, 2500)]


# --- the whole file is refused with one clear message ---------------------------------------------------


def refusal(content, **kw) -> str:
    with pytest.raises(RosterFileError) as caught:
        check(content, **kw)
    return caught.value.message


@pytest.mark.parametrize(
    "content",
    [b"", b"%PDF-1.4 not a roster", None],  # None: a well-formed file with the wrong header
)
def test_a_refused_file_is_a_domain_error_with_the_bad_file_code_whoever_refuses_it(content):
    """Pre-check, reader or header check: one class, a DomainError, so callers catch that and nothing else."""
    if content is None:
        content = xlsx([[1, "甲", MAN, "", 1]], header=["序号", "姓名"])
    with pytest.raises(DomainError) as caught:
        check(content)
    assert isinstance(caught.value, RosterFileError)
    assert caught.value.code == ErrorCode.BAD_FILE
    assert caught.value.message


def test_a_header_that_differs_from_the_template_names_every_difference_and_the_expected_header():
    header = ["序号", "姓名", "身份证", "手机号", "重大疾病互助保障(份)"]
    message = refusal(xlsx([[1, "甲", MAN, "", 1]], header=header))
    assert "缺少列：“身份证号”" in message
    assert "多余的列：第3列“身份证”" in message
    assert "模板表头应为：序号 | 姓名 | 身份证号 | 手机号 | 重大疾病互助保障(份)" in message


def test_the_template_of_an_application_with_other_plans_is_refused():
    content = xlsx([[1, "甲", MAN, "", 1]], plans=(ZJ,))
    message = refusal(content, plans=(ZJ, YW))
    assert "缺少列：“意外伤害互助保障(份)”" in message and "多余" not in message
    message = refusal(content, plans=(NG,))
    assert "缺少列：“女职工特殊疾病互助保障(份)”" in message
    assert "多余的列：第5列“重大疾病互助保障(份)”" in message


def test_an_extra_column_is_refused():
    header = [*Factory.roster_header(["ZJ"]), "备注"]
    message = refusal(xlsx([[1, "甲", MAN, "", 1, "x"]], header=header))
    assert "多余的列：第6列“备注”" in message and "缺少" not in message


def test_swapped_columns_are_named_with_the_place_each_belongs_in():
    header = ["序号", "身份证号", "姓名", "手机号", "重大疾病互助保障(份)"]
    message = refusal(xlsx([[1, MAN, "甲", "", 1]], header=header))
    assert "顺序不对：“姓名”应为第2列（现为第3列）；“身份证号”应为第3列（现为第2列）" in message


def test_some_other_spreadsheet_is_refused_as_the_wrong_template():
    with pytest.raises(RosterFileError, match=r"表头与模板不一致.*参保职工名单模板下载"):
        check(xlsx([["2026-01", 1000]], header=["月份", "工资"]))


def test_a_pdf_renamed_to_xlsx_is_refused_as_not_a_spreadsheet():
    with pytest.raises(RosterFileError, match="文件不是Excel表格"):
        check(tiny_pdf("roster"), name="名单.xlsx")


def test_a_text_file_that_is_not_csv_is_refused_as_not_a_spreadsheet():
    with pytest.raises(RosterFileError, match="文件不是Excel表格"):
        check("张三 370202198506010114".encode(), name="名单.txt")


def test_a_truncated_xlsx_is_refused_as_damaged():
    content = xlsx([[1, "甲", MAN, "", 1]])
    with pytest.raises(RosterFileError, match="已损坏"):
        check(content[: len(content) // 2])


def test_a_file_with_only_the_header_is_refused_as_an_empty_roster():
    with pytest.raises(RosterFileError, match="名单中没有职工"):
        check(xlsx([[None, None, None, None, None], []]))


def test_an_empty_sheet_is_refused_as_an_empty_file():
    with pytest.raises(RosterFileError, match="文件是空的"):
        check(xlsx([], header=[]))


def test_a_roster_over_the_row_limit_is_refused_before_any_row_is_checked():
    rows = Factory().people(11)
    with pytest.raises(RosterFileError, match="名单共11行，超过单次导入上限10行"):
        check(xlsx(rows), max_rows=10)
    assert check(xlsx(rows[:10]), max_rows=10).total == 10
