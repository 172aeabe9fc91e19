"""Personal data: masked everywhere (one helper), 「显示完整」 audited, sensitive reads logged, encrypted at
rest (columns and files unreadable in the raw database / storage)."""

import re

import pytest
from django.core.files.storage import storages
from django.db import connection

from accounts.models import User
from claims.models import Claim
from core.masking import mask_bank_account, mask_id_number, mask_text
from core.models import AuditLog
from review.models import Material

ACCOUNT = "6222020000000000001"


@pytest.fixture
def claim(factory):
    unit = factory.approved_unit()
    return factory.claim(unit, factory.covered_member(unit), payee_account=ACCOUNT)


def test_the_helper_masks_ids_accounts_and_both_inside_text():
    assert mask_id_number("37020219850312100X") == "370202********100X"
    assert mask_bank_account("6222 0200 0000 0000 001") == "6222***********0001"
    assert mask_text("会员 37020219850312100X 账号 6222020000000000001 电话 0532-80000001") == (
        "会员 370202********100X 账号 6222***********0001 电话 0532-80000001"
    )


def reveal_token(html: str) -> str:
    return re.search(r'"t": "([^"]+)"', html).group(1)


def test_the_claim_page_masks_the_id_and_account_and_reveal_is_logged(client, claim):
    client.force_login(claim.unit.agent)
    page = client.get(f"/claims/{claim.pk}/").text
    assert claim.member.id_number not in page and ACCOUNT not in page
    assert mask_id_number(claim.member.id_number) in page and mask_bank_account(ACCOUNT) in page
    assert "显示完整" in page

    tokens = re.findall(r'"t": "([^"]+)"', page)
    shown = [client.post("/audit/reveal/", {"t": t}).text for t in tokens]

    assert any(ACCOUNT in text for text in shown) and any(claim.member.id_number in text for text in shown)
    reveals = AuditLog.objects.filter(verb="reveal", actor=claim.unit.agent, category="read")
    assert sorted(r.changes["field"] for r in reveals) == ["会员身份证号", "银行账号"]


def test_reviewers_see_the_claim_masked_and_their_opening_of_it_is_logged(client, factory, claim):
    from review.engine import case_transition
    from review.models import Action

    factory.claim_materials(claim)
    case_transition(case=claim.case, action=Action.SUBMIT, actor=claim.unit.agent)
    reviewer = factory.district_reviewer()
    client.force_login(reviewer)
    page = client.get(f"/review/cases/{claim.case_id}/").text
    assert ACCOUNT not in page and claim.member.id_number not in page
    assert AuditLog.objects.filter(verb="claim_view", actor=reviewer).exists()


def test_a_token_of_another_person_or_for_an_object_out_of_scope_reveals_nothing(client, factory, claim):
    client.force_login(claim.unit.agent)
    token = reveal_token(client.get(f"/claims/{claim.pk}/").text)

    client.force_login(factory.agent(name="王五"))
    answer = client.post("/audit/reveal/", {"t": token}).text
    assert ACCOUNT not in answer and claim.member.id_number not in answer and "无法显示" in answer
    client.force_login(factory.staff(User.Role.AUDITOR))
    assert "无法显示" in client.post("/audit/reveal/", {"t": token}).text
    assert not AuditLog.objects.filter(verb="reveal").exists()


def test_the_member_lookup_is_masked_and_logged(client, factory):
    application = factory.effective_application()
    id_number = application.roster.first().id_number
    client.force_login(application.unit.agent)
    page = client.get("/enrollment/members/", {"id_number": id_number}).text
    assert id_number not in page and mask_id_number(id_number) in page
    row = AuditLog.objects.get(verb="member_lookup")
    assert row.category == "read" and row.changes["found"] is True
    assert row.changes["id_number"] == mask_id_number(id_number)


def test_the_roster_list_and_the_api_roster_are_masked(client, factory):
    from api.services import api_token_create

    rows = factory.people(2)
    application = factory.application(rows=rows)
    client.force_login(application.unit.agent)
    listed = client.get(f"/enrollment/{application.pk}/roster/").text
    _token, key = api_token_create(actor=application.unit.agent, name="x")
    api = client.get(
        f"/api/v1/applications/{application.pk}/roster", HTTP_AUTHORIZATION=f"Bearer {key}"
    ).json()
    for person in rows:
        assert person[2] not in listed and mask_id_number(person[2]) in listed
    assert {r["id_number"] for r in api["results"]} == {mask_id_number(p[2]) for p in rows}
    assert AuditLog.objects.filter(verb="api_read", category="read").exists()


def test_the_payout_list_masks_the_account_for_finance(client, factory, claim):
    from review.engine import case_transition
    from review.models import Action

    factory.claim_materials(claim)
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=claim.unit.agent)
    case = case_transition(case=case, action=Action.APPROVE, actor=factory.district_reviewer())
    case_transition(
        case=case, action=Action.APPROVE, actor=factory.city_reviewer(), data={"approved_amount": "1"}
    )
    client.force_login(factory.finance())
    page = client.get("/billing/payouts/").text
    assert ACCOUNT not in page and mask_bank_account(ACCOUNT) in page and "显示完整" in page


def test_opening_a_medical_material_is_logged(client, claim, factory):
    factory.claim_materials(claim)
    material = Material.objects.filter(case=claim.case).first()
    client.force_login(claim.unit.agent)
    response = client.get(f"/review/materials/{material.pk}/file/")
    assert response.status_code == 200
    row = AuditLog.objects.get(verb="material_view")
    assert row.changes["slot"] == material.slot and row.object_id == str(claim.case_id)


# --- encryption at rest ------------------------------------------------------------------------------


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_account_diagnosis_accident_and_eligibility_are_unreadable_in_the_database(factory, claim):
    accident = factory.claim(
        claim.unit, factory.covered_member(claim.unit, name="王芳"), kind="accident", payee_account=ACCOUNT
    )
    for column in ("payee_account", "disease_ref", "eligibility"):
        stored = raw("claims_claim", column, claim.pk)
        assert stored.startswith("gAAAAA"), column
        assert ACCOUNT not in stored and "乳腺" not in stored
    assert raw("claims_claim", "accident_description", accident.pk).startswith("gAAAAA")
    assert "砸伤" not in raw("claims_claim", "accident_description", accident.pk)

    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.payee_account == ACCOUNT and fresh.disease.name == "原发性乳腺癌"
    assert any("原发性乳腺癌" in r["message"] for r in fresh.eligibility)
    assert Claim.objects.get(pk=accident.pk).accident_description == "车间搬运时被重物砸伤左腿"


def test_uploaded_files_are_encrypted_in_storage(factory, claim):
    from core.samples import tiny_pdf

    factory.claim_materials(claim, slots=["pathology"])
    material = Material.objects.get(case=claim.case, slot="pathology")
    with storages["default"].open(material.file.name, "rb") as handle:
        on_disk = handle.read()
    assert on_disk.startswith(b"gAAAAA") and b"%PDF" not in on_disk
    with material.file.open("rb") as handle:
        assert handle.read() == tiny_pdf("pathology")


def test_keys_rotate_and_old_values_stay_readable(factory, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from core.crypto import fernet

    old_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    unit = factory.approved_unit()
    claim = factory.claim(unit, factory.covered_member(unit), payee_account=ACCOUNT)  # with the old key
    before = raw("claims_claim", "payee_account", claim.pk)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert Claim.objects.get(pk=claim.pk).payee_account == ACCOUNT  # readable before rotation

    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    after = raw("claims_claim", "payee_account", claim.pk)
    assert after != before
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert fernet().decrypt(after.encode()).decode() == ACCOUNT
    assert Claim.objects.get(pk=claim.pk).payee_account == ACCOUNT


def test_a_claim_edit_records_before_and_after_without_clear_health_data_or_account(factory, claim):
    from claims.services import claim_update
    from plans.models import Disease

    claim_update(
        actor=claim.unit.agent,
        claim=claim,
        hospital="青岛市立医院",
        payee_account="6222020000000000999",
        disease=Disease.objects.get(plan__code="NG", name="原发性卵巢癌"),
    )

    row = AuditLog.objects.get(verb="claim_update")
    assert row.changes["hospital"] == ["青岛大学附属医院", "青岛市立医院"]
    assert row.changes["payee_account"] == ["6222***********0001", "6222***********0999"]
    assert row.changes["disease_ref"] == ["（加密保存）", "（已修改）"]
    assert "卵巢" not in str(row.changes)
