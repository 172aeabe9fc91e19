"""The one audit trail (操作日志): rows, refusals, /admin/ write-through, the screen, export, retention."""

import datetime
import io

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone
from python_calamine import CalamineWorkbook

from accounts.models import User
from audit.export import safe_cell
from audit.services import audit_prune
from core.audit import audit_log
from core.errors import DomainError
from core.models import AuditLog
from review.engine import case_transition
from review.models import Action

LOG = "/audit/"


@pytest.fixture
def auditor(factory):
    return factory.staff(User.Role.AUDITOR, username="auditor")


def superuser(factory):
    admin = factory.staff(User.Role.ADMIN, username="root")
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=admin.pk)


# --- rows ----------------------------------------------------------------------------------------------


def test_a_row_records_who_in_which_role_when_from_where_what_and_before_after(factory):
    reviewer = factory.district_reviewer()
    unit = factory.unit()
    from core.audit import current_ip

    token = current_ip.set("10.2.3.4")
    try:
        row = audit_log(actor=reviewer, verb="unit_update", obj=unit, changes={"name": ["旧名", "新名"]})
    finally:
        current_ip.reset(token)

    assert (row.actor_name, row.actor_role) == (reviewer.display_name, "区县审核员（市南区）")
    assert (row.object_type, row.object_id, row.ip_address) == ("units.unit", str(unit.pk), "10.2.3.4")
    assert row.changes == {"name": ["旧名", "新名"]} and row.outcome == "success"
    assert row.at <= timezone.now()


def test_id_numbers_and_bank_accounts_are_masked_before_they_are_stored(factory):
    row = audit_log(
        actor=None,
        verb="claim_update",
        object_type="claims.claim",
        object_repr="370202198503121001 的申请",
        changes={"payee_account": ["6222020000000000001", "6222 0200 0000 0000 002"]},
    )
    row.refresh_from_db()
    assert row.object_repr == "370202********1001 的申请"
    assert row.changes == {"payee_account": ["6222***********0001", "6222***********0002"]}


def test_audit_rows_cannot_be_changed_or_deleted_not_even_in_the_database(factory):
    row = audit_log(actor=None, verb="login_failed", object_type="accounts.user", object_repr="x")
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("UPDATE core_auditlog SET verb = 'x' WHERE id = %s", [row.pk])
    row.refresh_from_db()
    assert row.verb == "login_failed"


def test_a_refused_operation_is_recorded_although_its_transaction_rolled_back(factory):
    unit = factory.submitted_unit()
    other_district = factory.district_reviewer("市北区")

    with pytest.raises(DomainError):
        case_transition(case=unit.registration_case, action=Action.APPROVE, actor=other_district)

    row = AuditLog.objects.get(verb="case_transition")
    assert row.outcome == "refused" and row.actor == other_district
    assert row.changes == {"reason": "该业务当前不在您的审核环节，不能操作", "action": "approve"}
    assert row.object_id == str(unit.registration_case.pk)


def test_status_moves_are_not_recorded_twice(factory):
    unit = factory.submitted_unit()
    case_transition(case=unit.registration_case, action=Action.APPROVE, actor=factory.district_reviewer())
    assert not AuditLog.objects.filter(verb="case_transition").exists()  # the Transition row is the record
    assert unit.registration_case.transitions.count() == 2


# --- /admin/ writes through ------------------------------------------------------------------------------


def test_an_edit_in_admin_writes_the_changed_fields_before_and_after(client, factory):
    from orgs.models import OrgNode

    client.force_login(superuser(factory))
    node = OrgNode.objects.get(name="红岛经济区")
    data = {
        "name": "红岛经济区（高新区）",
        "parent": node.parent_id,
        "kind": node.kind,
        "position": node.position,
        "is_active": "on",
    }
    response = client.post(f"/admin/orgs/orgnode/{node.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    row = AuditLog.objects.get(verb="admin_change")
    assert row.object_type == "orgs.orgnode" and row.object_id == str(node.pk)
    assert row.changes == {"name": ["红岛经济区", "红岛经济区（高新区）"]}
    assert row.actor_role == "管理员"


def test_a_password_set_in_admin_is_recorded_without_the_password(client, factory):
    client.force_login(superuser(factory))
    staff = factory.finance()
    response = client.post(
        f"/admin/accounts/user/{staff.pk}/password/",
        {"password1": "Qingdao#Union2026", "password2": "Qingdao#Union2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    row = AuditLog.objects.get(verb="admin_change", object_id=str(staff.pk))
    assert "Qingdao#Union2026" not in str(row.changes)
    staff.refresh_from_db()
    assert staff.password_changed_at is None  # the person chooses their own at the next login


def test_every_admin_page_writes_through_the_audit_trail():
    from django.contrib import admin

    from core.admin_site import AuditedModelAdmin

    assert admin.site.__class__.__name__ == "AuditedAdminSite"
    assert all(isinstance(model_admin, AuditedModelAdmin) for model_admin in admin.site._registry.values())


# --- the screen --------------------------------------------------------------------------------------------


def test_only_the_auditor_and_the_administrator_open_the_audit_screen(client, factory, auditor):
    for user, status in ((auditor, 200), (superuser(factory), 200), (factory.city_reviewer(), 403)):
        client.force_login(user)
        assert client.get(LOG).status_code == status
    client.force_login(factory.agent())
    assert client.get(LOG).status_code == 403


def test_the_screen_finds_a_reviewers_decision_and_an_agents_member_lookup(client, factory, auditor):
    application = factory.effective_application()
    member_id = application.roster.first().id_number
    agent = application.unit.agent
    client.force_login(agent)
    client.get("/enrollment/members/", {"id_number": member_id})
    reviewer = application.case.transitions.filter(action="approve").last().actor

    client.force_login(auditor)
    decision = client.get(LOG, {"person": reviewer.display_name, "action": "case:approve"})
    assert "审核流程：通过" in decision.text and application.unit.name in decision.text
    lookup = client.get(LOG, {"person": agent.display_name, "action": "member_lookup"})
    assert "会员查询" in lookup.text
    assert member_id not in lookup.text and member_id[:6] + "********" + member_id[-4:] in lookup.text


def test_the_screen_searches_by_object_and_date_range(client, factory, auditor):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False) as clock:
        first = factory.unit(name="青岛甲公司")
        clock.shift(datetime.timedelta(days=10))
        factory.unit(name="青岛乙公司")
        client.force_login(auditor)
        by_object = client.get(LOG, {"obj": "甲公司"}).context["rows"]
        by_date = client.get(LOG, {"date_to": "2026-03-05", "action": "unit_register"}).context["rows"]
    assert by_object and all("甲公司" in row["object"] for row in by_object)
    assert [row["object"] for row in by_date] == [f"单位 {first.name}"]


def test_the_export_is_masked_and_formula_safe(client, factory, auditor):
    hostile = factory.agent(name='=HYPERLINK("http://x","点我")')
    audit_log(
        actor=hostile,
        verb="login_failed",
        object_type="accounts.user",
        object_repr="-2+3",
        changes={"reason": "370202198503121001"},
    )
    client.force_login(auditor)
    response = client.get("/audit/export/")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name("操作日志").to_python()
    assert rows[0][:5] == ["时间", "操作人", "角色", "类别", "操作"]
    cells = [str(c) for row in rows[1:] for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any("370202198503121001" in c for c in cells)
    assert AuditLog.objects.filter(verb="audit_export", actor=auditor).exists()


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_a_cell_never_starts_like_a_formula(text):
    assert safe_cell(text).startswith("'")


# --- retention --------------------------------------------------------------------------------------------


def test_pruning_keeps_at_least_six_months_and_records_itself(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # too short: six months are kept anyway
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=190), tick=False):
        old = audit_log(actor=None, verb="login", object_type="accounts.user")
    with time_machine.travel(now - datetime.timedelta(days=170), tick=False):
        kept = audit_log(actor=None, verb="login", object_type="accounts.user")

    assert audit_prune(now=now) == 1

    assert not AuditLog.objects.filter(pk=old.pk).exists()
    assert AuditLog.objects.filter(pk=kept.pk).exists()
    assert AuditLog.objects.get(verb="audit_prune").changes["retention_days"] == 183


# --- one history: a status move is its Transition, never also an AuditLog row -------------------------


def test_a_payment_confirmation_is_recorded_once_as_its_timeline_row_and_shown_on_the_screen(
    client, factory, auditor
):
    application = factory.effective_application()
    receipt = application.payment_notice.receipt

    assert not AuditLog.objects.filter(verb="payment_confirm").exists()
    [move] = application.case.transitions.filter(action=Action.CONFIRM_PAYMENT)
    client.force_login(auditor)
    rows = client.get(LOG, {"action": "case:confirm_payment"}).context["rows"]
    assert [row["action"] for row in rows] == ["审核流程：收款确认"]
    assert f"流水号 {receipt.bank_reference}" in rows[0]["details"] and move.reason in rows[0]["details"]


def test_a_payout_is_recorded_once_as_its_timeline_row_and_shown_on_the_screen(client, factory, auditor):
    from claims.services import claim_payout_record

    claim = factory.claim_at_city()
    case_transition(
        case=claim.case,
        action=Action.APPROVE,
        actor=factory.city_reviewer(),
        data={"approved_amount": "15000"},
    )
    claim_payout_record(
        actor=factory.finance(), claim=claim, paid_on=timezone.localdate(), bank_reference="PAY0001"
    )

    assert not AuditLog.objects.filter(verb="claim_payout").exists()
    client.force_login(auditor)
    rows = client.get(LOG, {"action": "case:record_payout"}).context["rows"]
    assert [row["action"] for row in rows] == ["审核流程：给付"]
    assert "给付 15,000.00 元，流水号 PAY0001" in rows[0]["details"]
