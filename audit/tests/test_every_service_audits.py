"""Every service that writes leaves a record: an AuditLog row, or for a status move its review.Transition
row (one history: Transition for status moves, AuditLog for everything else).

The test walks every public function of every services module (and review.engine). A new service fails
it until it has a scenario below (and writes a record) or is listed as not writing, with the reason.
"""

import datetime
import importlib
import inspect

import pytest
from axes.models import AccessAttempt
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from core.models import AuditLog
from core.samples import tiny_pdf
from review.models import Transition

MODULES = [
    "accounts.services",
    "api.services",
    "audit.services",
    "billing.services",
    "claims.services",
    "enrollment.services",
    "enrollment.roster_import",
    "notifications.services",
    "review.engine",
    "review.services",
    "units.services",
]

# Public functions that write nothing of their own, with the reason.
NOT_SERVICES = {
    "claims.services.check_eligibility": "read: runs the eligibility rules",
    "claims.services.recheck": "read: eligibility as of now",
    "claims.services.claim_review_facts": "read: eligibility, the medical computation and the cap as of now",
    "claims.services.check_submittable": "read: raises when materials or rules are missing",
    "enrollment.services.resolve_period": "read: computes a period",
    "enrollment.services.coverage_create_for": "internal step of payment_confirm (which writes the row)",
    "enrollment.services.refreeze_fees": "internal step of the final approval, before payment_notice_issue "
    "(which writes the row)",
    "review.engine.applicable_steps": "read: the steps of a chain",
    "review.engine.steps_ahead": "read: the steps still ahead",
    "review.services.case_create": "internal step of unit_register / application_create / claim_create / "
    "unit_binding_create / unit_change_save, which write the row",
    "units.services.basic_values": "read: a unit's 基本信息 as a dict",
    "units.services.unit_change_diff": "read: before → after of a pending change",
    "units.services.unit_change_material_diff": "read: changed materials of a pending change",
    "notifications.services.notify_case_transition": "side effect of case_transition; its Transition row "
    "is the record",
    "notifications.services.notifications_mark_read": "the person's own unread marks, no business data",
    "notifications.services.case_message": "read: the sentence for one move of a case",
    "notifications.services.digest_text": "read: the 每日待办 sentence",
    "notifications.services.notify_unbound": "side effect of unit_binding_apply, whose audit row and "
    "Transition are the record",
    "notifications.services.daily_digest_send": "the staff's own reminder messages, no business data",
    "billing.services.notice_reminders_send": "the agents' 缴费提醒 messages; the NoticeReminder row (one "
    "per notice and kind) is the record that each was sent",
    "notifications.services.notify_agent": "a message to an agent written by a service that keeps its own "
    "record (notice_reminders_send)",
    "claims.services.claim_amount_cap": "read: the largest amount the city may approve",
    "billing.services.payment_notice_document": "read: the notice's PDF (kept in storage at the first "
    "download); notice_pdf records the read",
    "enrollment.services.roster_import_runs_now": "read: the now-or-background rule",
    "enrollment.roster_import.plan_columns": "read: the roster template's plan columns",
}

STRONG = "Qingdao#Union2026"


def pdf(name="x.pdf"):
    return ContentFile(tiny_pdf(name), name=name)


def basic_fields(unit, **overrides):
    from units.models import BASIC_FIELDS

    data = {field: getattr(unit, field) for field in BASIC_FIELDS}
    data["merged_from"] = list(unit.merged_from.all())
    data.update(overrides)
    return data


def approved_claim(f):
    from review.engine import case_transition
    from review.models import Action

    unit = f.approved_unit()
    claim = f.claim_materials(f.claim(unit, f.covered_member(unit)))
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    case = case_transition(case=case, action=Action.APPROVE, actor=f.district_reviewer())
    case_transition(
        case=case, action=Action.APPROVE, actor=f.city_reviewer(), data={"approved_amount": "15000"}
    )
    claim.refresh_from_db()
    return claim


def sms_code(monkeypatch):
    monkeypatch.setattr("accounts.services.secrets.randbelow", lambda _: 123456)


# Each scenario prepares what the service needs and returns a callable that performs the one call.
def s_sms_code_send(f, mp):
    from accounts.services import sms_code_send

    return lambda: sms_code_send(mobile="13912340001")


def s_sms_code_verify(f, mp):
    from accounts.services import sms_code_send, sms_code_verify

    sms_code(mp)
    sms_code_send(mobile="13912340002")
    return lambda: sms_code_verify(mobile="13912340002", code="123456")


def s_agent_register(f, mp):
    from accounts.services import agent_register, sms_code_send

    sms_code(mp)
    sms_code_send(mobile="13912340003")
    return lambda: agent_register(
        real_name="王小明",
        id_number=f.person_id(datetime.date(1990, 1, 1), 11),
        mobile="13912340003",
        sms_code="123456",
        password=STRONG,
    )


def s_password_change(f, mp):
    from accounts.services import password_change

    agent = f.agent()
    return lambda: password_change(actor=agent, new_password=STRONG)


def s_user_deactivate(f, mp):
    from accounts.services import user_deactivate

    agent, admin = f.agent(), f.staff(User.Role.ADMIN)
    return lambda: user_deactivate(user=agent, actor=admin)


def s_api_tokens_revoke_all(f, mp):
    from api.services import api_token_create, api_tokens_revoke_all

    agent = f.agent()
    api_token_create(actor=agent, name="x")
    return lambda: api_tokens_revoke_all(user=agent, actor=agent, reason="测试")


def s_api_token_create(f, mp):
    from api.services import api_token_create

    agent = f.agent()
    return lambda: api_token_create(actor=agent, name="人事系统")


def s_api_token_revoke(f, mp):
    from api.services import api_token_create, api_token_revoke

    agent = f.agent()
    token, _key = api_token_create(actor=agent, name="x")
    return lambda: api_token_revoke(actor=agent, token=token)


def s_lockout_release(f, mp):
    from audit.services import lockout_release

    admin = f.staff(User.Role.ADMIN)
    attempt = AccessAttempt.objects.create(
        username="13900000009",
        ip_address="10.0.0.1",
        user_agent="x",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    return lambda: lockout_release(actor=admin, attempt=attempt)


def s_audit_prune(f, mp):
    from audit.services import audit_prune

    return lambda: audit_prune()


def s_payment_notice_issue(f, mp):
    from billing.services import payment_notice_issue

    application = f.approved_application()
    return lambda: payment_notice_issue(application=application, actor=f.city_reviewer())


def s_payment_confirm(f, mp):
    from billing.services import payment_confirm

    notice = f.approved_application().payment_notice
    finance = f.finance()
    return lambda: payment_confirm(
        actor=finance, notice=notice, amount=notice.amount, paid_on=timezone.localdate(), bank_reference="B1"
    )


def s_claim_create(f, mp):
    unit = f.approved_unit()
    member = f.covered_member(unit)
    return lambda: f.claim(unit, member)


def s_claim_update(f, mp):
    from claims.services import claim_update

    unit = f.approved_unit()
    claim = f.claim(unit, f.covered_member(unit))
    return lambda: claim_update(actor=unit.agent, claim=claim, hospital="青岛市立医院")


def s_claim_set_approved_amount(f, mp):
    from claims.services import claim_set_approved_amount

    unit = f.approved_unit()
    claim = f.claim(unit, f.covered_member(unit))
    city = f.city_reviewer()
    return lambda: claim_set_approved_amount(claim=claim, raw_amount="15000", actor=city)


def s_claim_payout_record(f, mp):
    from claims.services import claim_payout_record

    claim = approved_claim(f)
    finance = f.finance()
    return lambda: claim_payout_record(
        actor=finance, claim=claim, paid_on=timezone.localdate(), bank_reference="PAY1"
    )


def s_application_create(f, mp):
    unit = f.approved_unit()
    return lambda: f.application(unit)


def s_application_update(f, mp):
    from enrollment.services import application_update
    from plans.models import Plan

    application = f.application()
    plans = {Plan.objects.get(code="ZJ"): 2}
    return lambda: application_update(
        actor=application.unit.agent,
        application=application,
        plans=plans,
        period_start=application.period_start,
    )


def s_roster_upload(f, mp):
    from enrollment.services import roster_upload

    application = f.application()
    upload = f.upload(f.roster_xlsx(f.people(2)))
    return lambda: roster_upload(actor=application.unit.agent, application=application, upload=upload)


def _stored_import(f, status):
    """An import row with its stored file, as roster_upload leaves it, then put in STATUS."""
    from enrollment.models import RosterImport
    from enrollment.services import roster_upload

    application = f.application()
    job = roster_upload(
        actor=application.unit.agent, application=application, upload=f.upload(f.roster_xlsx(f.people(2)))
    )
    RosterImport.objects.filter(pk=job.pk).update(status=status, retryable=True)
    return application, job


def s_roster_import_run(f, mp):
    from enrollment.models import RosterImport
    from enrollment.roster_import import roster_import_run

    _application, job = _stored_import(f, RosterImport.Status.PENDING)
    return lambda: roster_import_run(import_id=job.pk)


def s_roster_import_retry(f, mp):
    from enrollment.models import RosterImport
    from enrollment.services import roster_import_retry

    application, job = _stored_import(f, RosterImport.Status.FAILED)
    return lambda: roster_import_retry(actor=application.unit.agent, job=job)


def s_roster_imports_expire(f, mp):
    import datetime

    from django.utils import timezone

    from enrollment.models import RosterImport
    from enrollment.services import roster_imports_expire

    application, job = _stored_import(f, RosterImport.Status.RUNNING)
    RosterImport.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    return lambda: roster_imports_expire(application=application)


def s_roster_import_current(f, mp):
    import datetime

    from django.utils import timezone

    from enrollment.models import RosterImport
    from enrollment.services import roster_import_current

    application, job = _stored_import(f, RosterImport.Status.RUNNING)
    RosterImport.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    return lambda: roster_import_current(application=application)


def s_roster_export_xlsx(f, mp):
    from enrollment.services import roster_export_xlsx

    application = f.application(rows=f.people(2))
    return lambda: roster_export_xlsx(actor=application.unit.agent, application=application)


def s_roster_from_previous(f, mp):
    from enrollment.services import roster_from_previous

    unit = f.approved_unit()
    f.effective_application(f.application(unit, rows=f.people(2)))
    renewal = f.application(unit)  # the main period that follows the paid one
    return lambda: roster_from_previous(actor=unit.agent, application=renewal)


def s_case_transition(f, mp):
    from review.engine import case_transition
    from review.models import Action

    unit = f.unit()
    return lambda: case_transition(case=unit.registration_case, action=Action.SUBMIT, actor=unit.agent)


def s_material_upload(f, mp):
    from review.services import material_upload

    unit = f.unit(materials=False)
    return lambda: material_upload(
        case=unit.registration_case, slot="approval_doc", upload=pdf(), actor=unit.agent
    )


def s_material_store(f, mp):
    from review.services import material_store

    unit = f.unit(materials=False)
    return lambda: material_store(
        case=unit.registration_case, slot="approval_doc", upload=pdf(), actor=unit.agent
    )


def s_claim_register_death(f, mp):
    from claims.services import claim_register_death

    claim = approved_claim(f)
    city = f.city_reviewer()
    proofs = {slot: pdf(f"{slot}.pdf") for slot in ("death_certificate", "deregistration", "kinship")}
    return lambda: claim_register_death(actor=city, claim=claim, heirs=f.heirs(), proofs=proofs)


def s_material_remove(f, mp):
    from review.services import material_remove

    unit = f.unit()
    material = unit.registration_case.materials.first()
    return lambda: material_remove(material=material, actor=unit.agent)


def s_unit_register(f, mp):
    return lambda: f.unit(materials=False)


def s_unit_update_registration(f, mp):
    from units.services import unit_update_registration

    unit = f.unit()
    fields = basic_fields(unit, address="青岛市市南区新地址8号")
    return lambda: unit_update_registration(actor=unit.agent, unit=unit, **fields)


def s_unit_change_save(f, mp):
    from units.services import unit_change_save

    unit = f.approved_unit()
    fields = basic_fields(unit, address="青岛市市南区新地址8号")
    return lambda: unit_change_save(actor=unit.agent, unit=unit, **fields)


def s_unit_change_apply(f, mp):
    from units.services import unit_change_apply, unit_change_save

    unit = f.approved_unit()
    change = unit_change_save(actor=unit.agent, unit=unit, **basic_fields(unit, address="新地址8号"))
    city = f.city_reviewer()
    return lambda: unit_change_apply(change=change, actor=city)


def s_unit_submit(f, mp):
    from units.services import unit_submit

    unit = f.unit()
    return lambda: unit_submit(actor=unit.agent, unit=unit)


def s_unit_delete(f, mp):
    from units.services import unit_delete

    unit = f.unit()
    return lambda: unit_delete(actor=unit.agent, unit=unit)


def _binding(f):
    from units.services import unit_binding_create

    unit = f.approved_unit()
    return unit_binding_create(actor=f.agent(name="李四"), unit=unit, reason="接替", upload=pdf())


def s_unit_binding_create(f, mp):
    from units.services import unit_binding_create

    unit = f.approved_unit()
    newcomer = f.agent(name="李四")
    return lambda: unit_binding_create(actor=newcomer, unit=unit, reason="接替", upload=pdf())


def s_unit_binding_update(f, mp):
    from units.services import unit_binding_update

    binding = _binding(f)
    return lambda: unit_binding_update(actor=binding.requester, binding=binding, reason="原代办员调岗")


def s_unit_binding_apply(f, mp):
    from units.services import unit_binding_apply

    binding = _binding(f)
    city = f.city_reviewer()
    return lambda: unit_binding_apply(binding=binding, actor=city)


def s_invoice_info_save(f, mp):
    from units.services import invoice_info_save

    unit = f.approved_unit()
    data = {
        "mode": "single",
        "invoice_type": "normal",
        "title": unit.name,
        "taxpayer_id": unit.credit_code,
        "address_phone": "青岛市 0532-88888888",
        "bank_account": "",
        "email": "caiwu@example.com",
    }
    return lambda: invoice_info_save(actor=unit.agent, unit=unit, data=data)


# --- issue 13: finance back office ------------------------------------------------------------------


def s_ledger_export(f, mp):
    from billing.services import ledger_export

    f.effective_application()
    finance = f.finance()
    return lambda: ledger_export(actor=finance, filters={})


def _statement_of(f):
    notice = f.approved_application().payment_notice
    today = timezone.localdate().isoformat()
    text = f"交易日期,金额,付款人名称,付款人账号,附言\n{today},{notice.amount},甲,6222,{notice.number}\n"
    return f.upload(text.encode(), "流水.csv")


def s_statement_upload(f, mp):
    from billing.services import statement_upload

    upload, finance = _statement_of(f), f.finance()
    return lambda: statement_upload(actor=finance, upload=upload)


def s_statement_line_confirm(f, mp):
    from billing.services import statement_line_confirm, statement_upload

    finance = f.finance()
    statement, _ = statement_upload(actor=finance, upload=_statement_of(f))
    return lambda: statement_line_confirm(actor=finance, line=statement.lines.get())


def s_statement_confirm_matched(f, mp):
    from billing.services import statement_confirm_matched, statement_upload

    finance = f.finance()
    statement, _ = statement_upload(actor=finance, upload=_statement_of(f))
    return lambda: statement_confirm_matched(actor=finance, statement=statement)


def _batch(f, *, checked=False):
    from claims.models import BankFileTemplate
    from claims.services import payout_batch_check, payout_batch_create

    maker = f.finance()
    batch = payout_batch_create(
        actor=maker, claims=[f.approved_claim()], template=BankFileTemplate.objects.get(code="generic")
    )
    if checked:
        payout_batch_check(actor=f.finance(), batch=batch)
    return maker, batch


def s_payout_batch_create(f, mp):
    from claims.models import BankFileTemplate
    from claims.services import payout_batch_create

    claim, maker = f.approved_claim(), f.finance()
    template = BankFileTemplate.objects.get(code="generic")
    return lambda: payout_batch_create(actor=maker, claims=[claim], template=template)


def s_payout_batch_check(f, mp):
    from claims.services import payout_batch_check

    _maker, batch = _batch(f)
    checker = f.finance()
    return lambda: payout_batch_check(actor=checker, batch=batch)


def s_payout_batch_files(f, mp):
    from claims.services import payout_batch_files

    maker, batch = _batch(f, checked=True)
    return lambda: payout_batch_files(actor=maker, batch=batch)


def s_payout_batch_settle(f, mp):
    from claims.services import payout_batch_settle

    maker, batch = _batch(f, checked=True)
    return lambda: payout_batch_settle(actor=maker, batch=batch, paid_on=timezone.localdate(), failures={})


def s_notice_void(f, mp):
    from billing.services import notice_void

    notice, finance = f.approved_application().payment_notice, f.finance()
    return lambda: notice_void(actor=finance, notice=notice, reason="逾期未缴费")


def s_invoice_register(f, mp):
    from billing.services import invoice_register
    from units.models import InvoiceInfo

    notice = f.effective_application().payment_notice
    unit = notice.application.unit
    InvoiceInfo.objects.create(unit=unit, invoice_type="normal", title=unit.name, updated_by=unit.agent)
    finance = f.finance()
    return lambda: invoice_register(
        actor=finance,
        notice=notice,
        invoice_type="normal",
        code="",
        number="26372000000012345678",
        issued_on=timezone.localdate(),
        amount=notice.amount,
        upload=pdf("发票.pdf"),
    )


SCENARIOS = {name.removeprefix("s_"): fn for name, fn in globals().items() if name.startswith("s_")}


def public_functions():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and fn.__module__ == module_name:
                yield f"{module_name}.{name}", name


def test_every_public_service_has_a_scenario_or_a_reason():
    missing = [
        qualified
        for qualified, name in public_functions()
        if qualified not in NOT_SERVICES and name not in SCENARIOS
    ]
    assert missing == [], "services without an audit scenario: " + ", ".join(missing)
    unknown = set(SCENARIOS) - {name for _q, name in public_functions()}
    assert unknown == set(), f"scenarios for services that no longer exist: {unknown}"


@pytest.mark.parametrize("service", sorted(SCENARIOS))
def test_the_service_writes_an_audit_row_or_a_transition(service, factory, monkeypatch):
    call = SCENARIOS[service](factory, monkeypatch)
    logs, moves = AuditLog.objects.count(), Transition.objects.count()

    call()

    written = AuditLog.objects.count() - logs
    assert written > 0 or Transition.objects.count() > moves, f"{service} left no record"
    assert not AuditLog.objects.filter(outcome=AuditLog.Outcome.REFUSED).exists(), "the scenario was refused"
