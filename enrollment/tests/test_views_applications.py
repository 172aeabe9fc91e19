"""参保申请 through the views: the list and its actions, the form (【主保期参保】/【补充参保申请】, 编辑),
and scoping: another agent gets 404 everywhere."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Application
from review.engine import case_transition
from review.models import Action, Status


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
