"""The roster on 查看 and on the reviewer's item screen: page numbers with a jump box, 20/50/200 rows a page,
search by part of a name or an ID number, and 【导出名单】 as a formula-safe xlsx (logged)."""

import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.masking import mask_id_number
from core.models import AuditLog
from core.pagination import page_number, page_window
from core.xlsx import neutralise
from enrollment.models import RosterEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(factory):
    return factory.application(rows=factory.people(450))


def roster(client, application, **params):
    response = client.get(reverse("enrollment:roster", args=[application.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def row_numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-row="(\d+)">', page)]


def page_buttons(page: str) -> list[str]:
    nav = re.search(r'<ul class="pagination.*?</ul>', page, re.S).group(0)
    return re.findall(r'class="page-link"[^>]*>([^<]+)<', nav)


class FakePage:
    def __init__(self, number, pages):
        self.number = number
        self.paginator = type("P", (), {"num_pages": pages})()


def test_the_page_window_shows_first_last_and_the_neighbours_with_gaps():
    assert page_window(FakePage(1, 1)) == [1]
    assert page_window(FakePage(1, 5)) == [1, 2, 3, 4, 5]  # no "…" for a single page
    assert page_window(FakePage(1, 6)) == [1, 2, 3, None, 6]
    assert page_window(FakePage(6, 2480)) == [1, None, 4, 5, 6, 7, 8, None, 2480]
    assert page_window(FakePage(2480, 2480)) == [1, None, 2478, 2479, 2480]
    assert page_number("2479", last=2480) == 2479
    assert (page_number("99999", last=2480), page_number("0", last=9), page_number("x", last=9)) == (
        2480,
        1,
        1,
    )


def test_the_roster_pages_with_numbers_and_a_jump_box(client, application):
    client.force_login(application.unit.agent)
    first = roster(client, application)
    assert row_numbers(first) == list(range(2, 22))  # row numbers of the file (header is row 1)
    assert "共 450 人，第 1–20 行" in first
    assert page_buttons(first) == ["1", "2", "3", "…", "23", "下一页"]
    assert 'max="23"' in first and 'id="roster-jump"' in first

    jumped = roster(client, application, page="12")
    assert row_numbers(jumped)[0] == 222
    assert page_buttons(jumped) == ["上一页", "1", "…", "10", "11", "12", "13", "14", "…", "23", "下一页"]
    assert row_numbers(roster(client, application, page="999"))[-1] == 451  # past the end: the last page


def test_200_rows_a_page_can_be_chosen(client, application):
    client.force_login(application.unit.agent)
    page = roster(client, application, size="200", page="3")
    assert row_numbers(page) == list(range(402, 452))
    assert '<option value="200" selected>' in page and "共 450 人，第 401–450 行" in page
    assert len(row_numbers(roster(client, application, size="7"))) == 20  # not offered: the default


def test_the_roster_is_searched_by_part_of_a_name_or_an_id_number(client, application):
    client.force_login(application.unit.agent)
    by_name = roster(client, application, q="职工44")
    assert sorted(row_numbers(by_name)) == [45, *range(441, 451)]  # 职工44 and 职工440…449
    assert "找到 11 人（搜索“职工44”）" in by_name
    entry = RosterEntry.objects.get(application=application, name="职工300")
    middle = entry.id_number[12:17]  # the day of birth and the sequence number, inside the ID
    assert row_numbers(roster(client, application, q=middle)) == [entry.row_number]
    everyone = roster(client, application, q=entry.id_number[6:14])  # all born 1985-01-01
    assert "找到 450 人" in everyone
    tail = entry.id_number[-5:]
    assert row_numbers(roster(client, application, q=tail.lower())) == [entry.row_number]
    assert "没有匹配的职工" in roster(client, application, q="张三丰")


def test_the_reviewer_sees_the_same_paged_roster_and_others_get_404(client, factory, application):
    factory.approved_application(application)
    client.force_login(factory.city_reviewer())
    assert page_buttons(roster(client, application))[-1] == "下一页"
    client.force_login(factory.agent(name="王五"))
    assert client.get(reverse("enrollment:roster", args=[application.pk])).status_code == 404
    assert client.get(reverse("enrollment:roster_export", args=[application.pk])).status_code == 404


def test_the_export_is_the_whole_roster_as_text_cells_and_is_logged(client, factory):
    application = factory.application(rows=factory.people(3))
    RosterEntry.objects.filter(application=application, row_number=2).update(
        name='=HYPERLINK("http://x","点我")', mobile="+8613800000000"
    )
    client.force_login(application.unit.agent)
    response = client.get(reverse("enrollment:roster_export", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("参保职工名单")
    rows = rows.to_python()
    assert rows[0] == [
        "行号",
        "姓名",
        "身份证号",
        "性别",
        "出生日期",
        "年龄",
        "手机号",
        "重大疾病互助保障(份)",
    ]
    assert len(rows) == 4
    first = RosterEntry.objects.get(application=application, row_number=2)
    assert rows[1][1] == '\'=HYPERLINK("http://x","点我")'  # text, never a formula
    assert rows[1][2] == mask_id_number(first.id_number)  # masked unless the full export is asked for
    assert first.id_number not in str(rows)
    assert rows[1][7] == 1
    log = AuditLog.objects.get(verb="roster_export")
    assert log.actor == application.unit.agent and log.changes == {"query": "", "rows": 3}
    full = client.get(reverse("enrollment:roster_export", args=[application.pk]), {"full": "1"})
    full_rows = CalamineWorkbook.from_filelike(io.BytesIO(full.content)).get_sheet_by_name("参保职工名单")
    full_rows = full_rows.to_python()
    assert full_rows[1][2] == first.id_number and isinstance(full_rows[1][2], str)
    assert full_rows[1][6] == "'+8613800000000"
    assert AuditLog.objects.filter(verb="roster_export", changes__full=True).count() == 1
    with_query = client.get(reverse("enrollment:roster_export", args=[application.pk]), {"q": "职工3"})
    matching = CalamineWorkbook.from_filelike(io.BytesIO(with_query.content))
    assert len(matching.get_sheet_by_name("参保职工名单").to_python()) == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("李梅", "李梅"),
        ("", ""),
        (None, ""),
    ],
)
def test_neutralise_covers_everything_a_spreadsheet_would_run(value, expected):
    assert neutralise(value) == expected


def test_every_page_of_a_search_holds_the_next_rows_in_file_order(client, application):
    """Pages after the first are found by the 行号 at the page's first position (core.pagination
    .SeekPaginator): across a search whose 行号 have gaps every matching row is on exactly one page, in
    file order, as OFFSET would put them."""
    client.force_login(application.unit.agent)
    matching = sorted(
        RosterEntry.objects.filter(application=application, name__contains="职工4").values_list(
            "row_number", flat=True
        )
    )
    assert len(matching) == 62  # 职工4, 职工40…49, 职工400…450
    pages = [row_numbers(roster(client, application, q="职工4", page=str(n))) for n in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [20, 20, 20, 2]
    assert [n for page in pages for n in page] == matching
