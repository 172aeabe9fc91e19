"""参保业务经办 → 参保申请 through the views: the list, the roster template, uploads, scoping."""

import datetime
import io
import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from core.samples import tiny_pdf
from enrollment.documents import XLSX
from enrollment.models import Application, RosterImport
from enrollment.roster import check_roster, read_rows
from enrollment.services import plan_columns
from review.engine import case_transition
from review.models import Action, Status


def sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def row_actions(page: str, application) -> list[str]:
    row = re.search(rf'<tr data-application="{application.pk}".*?</tr>', page, re.S).group(0)
    return list(dict.fromkeys(re.findall(r'data-action="(\w+)"', row)))


def to_status(factory, application, status):
    """Move a 草稿 application with a roster along the engine to STATUS."""
    if status == Status.DRAFT:
        return application
    if status == Status.IN_REVIEW:
        case_transition(case=application.case, action=Action.SUBMIT, actor=application.unit.agent)
    elif status == Status.RETURNED:
        case = case_transition(case=application.case, action=Action.SUBMIT, actor=application.unit.agent)
        case_transition(
            case=case, action=Action.RETURN, actor=factory.district_reviewer(), reason="名单缺少新入职职工"
        )
    elif status == Status.APPROVED:
        factory.approved_application(application)
    elif status == Status.EFFECTIVE:
        factory.effective_application(application)
    application.refresh_from_db()
    return application


# --- the list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        (Status.DRAFT, ["submit", "view", "edit", "delete"]),
        (Status.IN_REVIEW, ["view"]),
        (Status.RETURNED, ["submit", "view", "reason", "edit"]),
        (Status.APPROVED, ["view", "notice"]),
        (Status.EFFECTIVE, ["view", "notice"]),
    ],
)
def test_the_list_offers_the_actions_of_each_status(client, factory, status, actions):
    application = to_status(factory, factory.application(rows=factory.people(2)), status)
    client.force_login(application.unit.agent)
    page = client.get(reverse("enrollment:list")).content.decode()
    assert row_actions(page, application) == actions
    assert application.case.status_label in page


def test_the_list_shows_only_the_agents_own_applications(client, factory):
    mine = factory.application()
    theirs = factory.application()
    client.force_login(mine.unit.agent)
    page = client.get(reverse("enrollment:list")).content.decode()
    assert f'data-application="{mine.pk}"' in page
    assert f'data-application="{theirs.pk}"' not in page


def test_the_return_reason_is_shown_on_the_application(client, factory):
    application = to_status(factory, factory.application(rows=factory.people(1)), Status.RETURNED)
    client.force_login(application.unit.agent)
    page = client.get(reverse("enrollment:detail", args=[application.pk]) + "?tab=flow").content.decode()
    assert "名单缺少新入职职工" in page


def test_the_list_is_for_agents_only(client, factory):
    client.force_login(factory.city_reviewer())
    assert client.get(reverse("enrollment:list")).status_code == 403


# --- 【主保期参保】 / 【补充参保申请】 → 【提交】 -----------------------------------------------------------


def test_submitting_the_form_creates_a_draft_and_opens_the_roster_tab(client, factory):
    unit = factory.approved_unit()
    client.force_login(unit.agent)
    response = client.post(
        reverse("enrollment:create"),
        {"unit": unit.pk, "kind": "main", "period_start": "2027-01-01", "plan_ZJ": "2", "plan_YW": "1"},
    )
    application = Application.objects.get(unit=unit)
    assert response.status_code == 302
    assert response["Location"] == reverse("enrollment:detail", args=[application.pk]) + "?tab=roster"
    assert (application.period_start, application.period_end) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 12, 31),
    )
    assert {line.plan.code: line.shares for line in application.plan_lines.all()} == {"ZJ": 2, "YW": 1}


def test_a_supplement_without_a_current_period_is_refused_on_the_form(client, factory):
    unit = factory.approved_unit()
    client.force_login(unit.agent)
    response = client.post(
        reverse("enrollment:create"), {"unit": unit.pk, "kind": "supplement", "plan_ZJ": "1"}
    )
    assert response.status_code == 200
    assert "本单位当前没有有效保期，不能追加" in response.content.decode()
    assert not Application.objects.exists()


def test_the_form_needs_at_least_one_plan(client, factory):
    unit = factory.approved_unit()
    client.force_login(unit.agent)
    response = client.post(
        reverse("enrollment:create"), {"unit": unit.pk, "kind": "main", "period_start": "2027-01-01"}
    )
    assert "请至少选择一个保障计划并选择份数" in response.content.decode()
    assert not Application.objects.exists()


# --- 【参保职工名单模板下载】 ------------------------------------------------------------------------------


def test_the_template_is_an_xlsx_whose_header_follows_the_applications_plans(client, factory):
    application = factory.application(plans={"YW": 3, "ZJ": 1, "NG": 2})
    client.force_login(application.unit.agent)
    response = client.get(reverse("enrollment:roster_template", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    book = sheets(response.content)
    assert list(book) == ["参保职工名单", "填写说明"]
    assert book["参保职工名单"][0] == [
        "序号",
        "姓名",
        "身份证号",
        "手机号",
        "重大疾病互助保障(份)",
        "女职工特殊疾病互助保障(份)",
        "意外伤害互助保障(份)",
    ]
    notes = "\n".join(str(row[0]) for row in book["填写说明"])
    assert application.unit.name in notes
    assert "女职工特殊疾病互助保障：2份（仅限女职工）" in notes
    assert "意外伤害互助保障：3份" in notes


def test_the_template_filled_in_passes_the_header_check_of_the_import(client, factory):
    application = factory.application(plans={"ZJ": 1, "YW": 1})
    client.force_login(application.unit.agent)
    template = client.get(reverse("enrollment:roster_template", args=[application.pk])).content
    rows = read_rows("模板.xlsx", template) + factory.people(2, shares=[1, 1])
    result = check_roster(
        rows, plans=plan_columns(application), period_start=application.period_start, max_rows=10
    )
    assert (result.errors, len(result.rows)) == ([], 2)


# --- 【导入参保职工名单】 → 【上传】 ---------------------------------------------------------------------


def upload(client, application, content, name="名单.xlsx", **extra):
    data = {"file": SimpleUploadedFile(name, content), **extra}
    return client.post(reverse("enrollment:roster_upload", args=[application.pk]), data, follow=True)


def test_an_upload_with_sixty_plus_members_imports_and_warns(client, factory):
    application = factory.application(period_start=datetime.date(2027, 1, 1))
    rows = factory.people(2, birth=datetime.date(1960, 5, 5)) + factory.people(3, first=10)
    client.force_login(application.unit.agent)
    response = upload(client, application, factory.roster_xlsx(rows))
    assert (
        response.redirect_chain[-1][0] == reverse("enrollment:detail", args=[application.pk]) + "?tab=roster"
    )
    page = response.content.decode()
    assert "成功导入5名职工" in page
    assert "名单中有 2 名职工年满60周岁，请确认（不影响导入）" in page
    assert 'id="over60-warning"' in page
    assert application.roster.count() == 5


def test_an_upload_with_errors_lists_them_by_row_and_imports_nothing(client, factory):
    application = factory.application()
    rows = factory.people(4)
    rows[1][1] = None
    rows[3][2] = rows[0][2]
    client.force_login(application.unit.agent)
    page = upload(client, application, factory.roster_xlsx(rows)).content.decode()
    assert "名单中有2处错误，未导入任何职工" in page
    table = re.search(r'<table[^>]*id="import-errors".*?</table>', page, re.S).group(0)
    cells = [re.sub(r"\s+", "", c) for c in re.findall(r"<td>(.*?)</td>", table, re.S)]
    assert cells == ["3", "姓名", "姓名不能为空", "5", "身份证号", "与第2行身份证号重复"]
    assert not application.roster.exists()

    job = application.imports.get()
    errors = client.get(reverse("enrollment:import_errors", args=[application.pk, job.pk]))
    assert errors["Content-Type"] == XLSX
    assert sheets(errors.content)["错误清单"] == [
        ["行号", "列", "错误说明"],
        [3.0, "姓名", "姓名不能为空"],
        [5.0, "身份证号", "与第2行身份证号重复"],
    ]


def test_an_upload_of_only_the_valid_rows_imports_them_and_still_lists_the_errors(client, factory):
    application = factory.application()
    rows = factory.people(3)
    rows[2][1] = None
    client.force_login(application.unit.agent)
    page = upload(client, application, factory.roster_xlsx(rows), only_valid_rows="on").content.decode()
    assert "成功导入2名职工，跳过1处错误" in page
    assert 'id="import-errors"' in page
    assert application.roster.count() == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (tiny_pdf("roster"), "名单.xlsx", "文件不是Excel表格"),
        (None, "名单.xlsx", "已损坏"),
        (b"", "empty.csv", "文件是空的"),
    ],
    ids=["pdf-renamed", "truncated", "zero-bytes"],
)
def test_a_file_that_cannot_be_read_gets_one_clear_message(client, factory, content, name, message):
    application = factory.application()
    if content is None:
        whole = factory.roster_xlsx(factory.people(2))
        content = whole[: len(whole) - 200]
    client.force_login(application.unit.agent)
    page = upload(client, application, content, name).content.decode()
    assert message in page
    assert not RosterImport.objects.exists()
    assert not application.roster.exists()


def test_an_upload_without_a_file_asks_for_one(client, factory):
    application = factory.application()
    client.force_login(application.unit.agent)
    response = client.post(reverse("enrollment:roster_upload", args=[application.pk]), {}, follow=True)
    assert "请选择要上传的名单文件" in response.content.decode()


def test_a_large_roster_is_left_to_the_background_worker_with_a_progress_bar(client, factory, settings):
    settings.ROSTER_SYNC_ROWS = 2
    application = factory.application()
    client.force_login(application.unit.agent)
    page = upload(client, application, factory.roster_xlsx(factory.people(3))).content.decode()
    assert "名单共3行，正在后台导入" in page
    status = client.get(reverse("enrollment:import_status", args=[application.pk]))
    assert 'role="progressbar"' in status.content.decode()
    assert 'hx-trigger="every 1s"' in status.content.decode()
    assert not status.has_header("HX-Refresh")
    assert not application.roster.exists()


def test_the_roster_can_be_searched_by_the_end_of_an_id_number(client, factory):
    rows = factory.people(3)
    application = factory.application(rows=rows)
    client.force_login(application.unit.agent)
    page = client.get(
        reverse("enrollment:roster", args=[application.pk]), {"q": rows[1][2][-6:]}
    ).content.decode()
    assert "职工2" in page
    assert "职工1<" not in page and "职工3" not in page


# --- scoping --------------------------------------------------------------------------------------------


@pytest.fixture
def other_agents_application(factory):
    application = factory.application(rows=factory.people(2))
    rows = factory.people(1, first=50)
    rows[0][1] = None
    factory.import_roster(application, rows)  # a rejected import with an error list
    return application


def test_another_agent_gets_404_everywhere_on_someone_elses_application(
    client, factory, other_agents_application
):
    application = other_agents_application
    job = application.imports.first()
    client.force_login(factory.agent())
    pk = application.pk
    for name, args in [
        ("enrollment:detail", [pk]),
        ("enrollment:edit", [pk]),
        ("enrollment:roster", [pk]),
        ("enrollment:roster_template", [pk]),
        ("enrollment:import_status", [pk]),
        ("enrollment:import_errors", [pk, job.pk]),
        ("billing:notice_pdf", [pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    content = factory.roster_xlsx(factory.people(1, first=90))
    for name, args in [
        ("enrollment:roster_upload", [pk]),
        ("enrollment:submit", [pk]),
        ("enrollment:delete", [pk]),
        ("enrollment:import_retry", [pk, job.pk]),
        ("enrollment:roster_previous", [pk]),
    ]:
        data = {"file": SimpleUploadedFile("名单.xlsx", content)}
        assert client.post(reverse(name, args=args), data).status_code == 404, name
    application.refresh_from_db()
    assert application.roster.count() == 2
    assert application.case.status == Status.DRAFT


def test_reviewers_see_a_submitted_roster_but_not_a_draft(client, factory):
    application = factory.application(rows=factory.people(2))
    reviewer = factory.district_reviewer()
    client.force_login(reviewer)
    assert client.get(reverse("enrollment:roster", args=[application.pk])).status_code == 404
    case_transition(case=application.case, action=Action.SUBMIT, actor=application.unit.agent)
    roster = client.get(reverse("enrollment:roster", args=[application.pk]))
    assert roster.status_code == 200
    assert "职工1" in roster.content.decode()
    detail = client.get(reverse("enrollment:detail", args=[application.pk]))
    assert detail["Location"] == reverse("review:case", args=[application.case_id])
    client.force_login(factory.district_reviewer("市北区"))
    assert client.get(reverse("enrollment:roster", args=[application.pk])).status_code == 404


def test_the_member_lookup_page_shows_an_agent_only_their_units_coverage(client, factory):
    rows = factory.people(1)
    application = factory.effective_application(factory.application(rows=rows))
    url = reverse("enrollment:members")
    client.force_login(application.unit.agent)
    page = client.get(url, {"id_number": rows[0][2].lower()}).content.decode()
    assert 'id="coverage-table"' in page and application.unit.name in page and "重大疾病互助保障" in page
    client.force_login(factory.agent())
    page = client.get(url, {"id_number": rows[0][2]}).content.decode()
    assert "没有查到身份证号为" in page and application.unit.name not in page
    client.force_login(factory.finance())
    assert application.unit.name in client.get(url, {"id_number": rows[0][2]}).content.decode()


def test_a_renewal_starts_from_the_previous_roster_and_names_who_joined_and_left(
    client, factory, time_machine
):
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, tzinfo=shanghai), tick=False)
    unit = factory.approved_unit()
    rows = factory.people(3)
    factory.effective_application(
        factory.application(unit, period_start=datetime.date(2026, 4, 1), rows=rows)
    )
    time_machine.move_to(datetime.datetime(2027, 3, 5, 10, tzinfo=shanghai), tick=False)
    renewal = factory.application(unit)
    client.force_login(unit.agent)
    page = client.post(reverse("enrollment:roster_previous", args=[renewal.pk]), follow=True).content.decode()
    assert "成功导入3名职工" in page
    assert sorted(renewal.roster.values_list("id_number", flat=True)) == sorted(r[2] for r in rows)

    newcomer = factory.people(1, first=10)
    factory.import_roster(renewal, [*rows[1:], *newcomer])
    page = client.get(reverse("enrollment:detail", args=[renewal.pk]) + "?tab=roster").content.decode()
    assert "与上一保期（2026-04-01 至 2027-03-31）相比：新增 1 人，减少 1 人，续保 2 人。" in page
    assert "新增：职工11" in page and "减少：职工1<" in page


# --- editing a returned 提前续保: the hand-kept period stays correctable ----------------------------------


def test_editing_a_returned_renewal_shows_and_saves_the_period_end(client, factory, pdf_file):
    from review.services import material_upload

    start = timezone.localdate().replace(day=1) + datetime.timedelta(days=40)
    renewal = factory.application(
        kind="renewal",
        period_start=start,
        period_end=start + datetime.timedelta(days=200),
        rows=factory.people(1),
    )
    material_upload(case=renewal.case, slot="application_letter", upload=pdf_file(), actor=renewal.unit.agent)
    renewal = to_status(factory, renewal, Status.RETURNED)
    client.force_login(renewal.unit.agent)

    page = client.get(reverse("enrollment:edit", args=[renewal.pk])).content.decode()
    block = re.search(
        r'<div class="col-md-6" data-show-when="kind=renewal" id="period-end-block"[^>]*>', page
    )
    assert block and " hidden" not in block.group(0)  # visible from the first paint, not only after JS
    assert f'name="period_end" value="{renewal.period_end:%Y-%m-%d}"' in page
    assert '<div class="form-control-plaintext" id="kind-fixed">提前续保</div>' in page

    corrected = start + datetime.timedelta(days=300)
    response = client.post(
        reverse("enrollment:edit", args=[renewal.pk]),
        {
            "unit": renewal.unit_id,
            "kind": "renewal",
            "period_start": start.isoformat(),
            "period_end": corrected.isoformat(),
            "plan_ZJ": "1",
        },
    )
    assert response.status_code == 302
    renewal.refresh_from_db()
    assert renewal.period_end == corrected


def test_editing_a_supplement_keeps_the_period_end_hidden(client, factory, pdf_file):
    unit = factory.approved_unit()
    this_month = timezone.localdate().replace(day=1)
    factory.effective_application(factory.application(unit, period_start=this_month, rows=factory.people(1)))
    supplement = factory.application(unit, kind="supplement", rows=factory.people(1, first=5))
    client.force_login(unit.agent)
    page = client.get(reverse("enrollment:edit", args=[supplement.pk])).content.decode()
    assert 'id="period-end-block" hidden' in page
    assert '<div class="form-control-plaintext" id="kind-fixed">追加</div>' in page


# --- 会员查询: by ID number or by 姓名 (within the user's scope) ------------------------------------------


def test_the_member_lookup_finds_members_by_name_with_masked_ids_to_pick_from(client, factory):
    from core.validators import mask_id_number

    unit = factory.approved_unit()
    first = factory.covered_member(unit, name="高秀英")
    second = factory.covered_member(unit, name="高秀英", female=True)
    elsewhere = factory.covered_member(factory.approved_unit(), name="高秀英")  # another agent's unit
    url = reverse("enrollment:members")
    client.force_login(unit.agent)

    page = client.get(url, {"q": "高秀英"}).content.decode()
    assert "没有查到身份证号为" not in page
    rows = re.findall(r'<tr data-member="(\d+)">(.*?)</tr>', page, re.S)
    assert sorted(int(pk) for pk, _ in rows) == sorted([first.pk, second.pk])  # not the other agent's
    assert "（2 人，请选择）" in page
    for _pk, row in rows:
        assert unit.name in row
    assert mask_id_number(first.id_number) in page and first.id_number not in page

    pick = re.search(rf'href="(\?q=[^"]+member={first.pk})"', page).group(1).replace("&amp;", "&")
    detail = client.get(url + pick).content.decode()
    assert 'id="coverage-table"' in detail and mask_id_number(first.id_number) in detail
    assert first.id_number not in detail  # masked here too; 「显示完整」 is a logged request
    # The other agent's member cannot be picked by changing the number in the address.
    other = client.get(url, {"member": elsewhere.pk}).content.decode()
    assert 'id="coverage-table"' not in other and "没有查到该会员" in other


def test_the_member_lookup_finds_by_the_start_of_a_name_and_staff_see_everyone(client, factory):
    unit = factory.approved_unit()
    factory.covered_member(unit, name="高秀英")
    client.force_login(factory.city_reviewer())
    page = client.get(reverse("enrollment:members"), {"q": "高秀"}).content.decode()
    assert len(re.findall(r'<tr data-member="\d+">', page)) == 1


def test_the_member_lookup_says_plainly_what_it_needs(client, factory):
    unit = factory.approved_unit()
    client.force_login(unit.agent)
    url = reverse("enrollment:members")
    page = client.get(url, {"q": "37020219"}).content.decode()
    assert "按身份证号查询需要输入完整的18位（或15位）身份证号；也可以输入会员姓名查询" in page
    page = client.get(url, {"q": "无此人"}).content.decode()
    assert "没有查到姓名为“无此人”的会员（仅查询在您的单位参保过的会员）" in page
    assert "没有查到身份证号为" not in page
