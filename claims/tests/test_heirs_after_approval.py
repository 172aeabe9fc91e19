"""【登记身故及继承人】 after the approval (claim_register_death): the member of an approved, unpaid claim
died, so the city reviewer records the heirs and the three proofs; the payout then goes to the heirs
through 给付批次 (one line each) and the single 记录给付 refuses it. Every refusal changes nothing."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from claims.models import BankFileTemplate, Claim, ClaimHeir
from claims.services import (
    claim_payout_record,
    claim_register_death,
    payout_batch_check,
    payout_batch_create,
    payout_batch_settle,
)
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.masking import mask_id_number
from core.models import AuditLog
from core.samples import tiny_pdf
from review.models import Material, Status
from review.services import material_store

D = Decimal
PROOF_SLOTS = ("death_certificate", "deregistration", "kinship")


def proofs(slots=PROOF_SLOTS):
    return {slot: ContentFile(tiny_pdf(slot), name=f"{slot}.pdf") for slot in slots}


def generic():
    return BankFileTemplate.objects.get(code="generic")


@pytest.fixture
def approved(factory):
    """李梅's 女职工特殊疾病 claim, approved at 15,000 元, waiting for the payout to her own account."""
    return factory.approved_claim()


def register(factory, claim, *, heirs=None, actor=None, slots=PROOF_SLOTS):
    return claim_register_death(
        actor=actor or factory.city_reviewer(),
        claim=claim,
        heirs=factory.heirs() if heirs is None else heirs,
        proofs=proofs(slots),
    )


def unchanged(claim):
    """The claim is as before: no heirs, member alive, the payee kept, no proof stored."""
    fresh = Claim.objects.get(pk=claim.pk)
    assert not fresh.member_deceased and not fresh.needs_heirs
    assert fresh.payee_account == claim.payee_account and fresh.payee_account
    assert not ClaimHeir.objects.filter(claim=claim).exists()
    assert not Material.objects.filter(case=claim.case, slot__in=PROOF_SLOTS).exists()
    assert not AuditLog.objects.filter(verb="claim_register_death", outcome="success").exists()


def test_the_city_registers_the_heirs_and_the_batch_pays_each_heir_in_one_line(factory, approved):
    heirs = factory.heirs(("60", "40"))
    city = factory.city_reviewer()

    register(factory, approved, heirs=heirs, actor=city)

    claim = Claim.objects.get(pk=approved.pk)
    assert claim.member_deceased and claim.needs_heirs
    assert (claim.payee_name, claim.payee_bank, claim.payee_account) == ("", "", "")
    saved = [(h.name, h.share) for h in claim.heirs.order_by("seq")]
    assert saved == [("王秀英", D("60")), ("赵小明", D("40"))]
    assert set(Material.objects.filter(case=claim.case).values_list("slot", flat=True)) >= set(PROOF_SLOTS)
    row = AuditLog.objects.get(verb="claim_register_death")
    assert row.actor_id == city.pk
    assert row.changes["heirs"] == [
        f"王秀英 {mask_id_number(heirs[0].id_number)} 60.00%",
        f"赵小明 {mask_id_number(heirs[1].id_number)} 40.00%",
    ]
    assert heirs[0].id_number not in str(row.changes) and approved.payee_account not in str(row.changes)

    with pytest.raises(InvalidTransition, match="给付批次"):
        claim_payout_record(
            actor=factory.finance(), claim=claim, paid_on=timezone.localdate(), bank_reference="X1"
        )
    maker, checker = factory.finance(), factory.finance()
    batch = payout_batch_create(actor=maker, claims=[claim], template=generic())
    lines = list(batch.lines.order_by("seq"))
    parts = [(line.heir.name, line.amount) for line in lines]
    assert parts == [("王秀英", D("9000.00")), ("赵小明", D("6000.00"))]
    payout_batch_check(actor=checker, batch=batch)
    assert payout_batch_settle(actor=maker, batch=batch, paid_on=timezone.localdate(), failures={}) == (2, 0)
    claim.case.refresh_from_db()
    assert claim.case.status == Status.CLOSED
    assert sorted(p.heir.name for p in claim.payouts.all()) == ["王秀英", "赵小明"]


def test_proofs_already_on_the_case_need_not_be_uploaded_again(factory, approved):
    # The agent had uploaded a 死亡证明 before the 上报 (an optional slot of an illness claim).
    upload = proofs(("death_certificate",))["death_certificate"]
    material_store(case=approved.case, slot="death_certificate", upload=upload, actor=approved.unit.agent)

    register(factory, approved, slots=("deregistration", "kinship"))

    assert Claim.objects.get(pk=approved.pk).needs_heirs


def test_missing_proofs_are_listed_and_nothing_is_saved(factory, approved):
    with pytest.raises(DomainError, match="请上传以下材料后再登记：户籍注销证明、亲属关系证明"):
        register(factory, approved, slots=("death_certificate",))
    unchanged(approved)


@pytest.mark.parametrize(
    ("shares", "message"),
    [(("60", "30"), "当前合计为90.00%"), (("60", "50"), "当前合计为110.00%")],
)
def test_shares_not_adding_up_to_100_are_refused_and_nothing_is_saved(factory, approved, shares, message):
    with pytest.raises(DomainError, match=message):
        register(factory, approved, heirs=factory.heirs(shares))
    unchanged(approved)


def test_a_bad_id_number_or_the_member_own_id_is_refused(factory, approved):
    heirs = factory.heirs()

    with pytest.raises(DomainError, match="身故会员本人"):
        register(factory, approved, heirs=[replace(heirs[0], id_number=approved.member.id_number), heirs[1]])
    with pytest.raises(DomainError, match="第2位继承人的"):
        register(factory, approved, heirs=[heirs[0], replace(heirs[1], id_number="370202199001011234")])
    unchanged(approved)


@pytest.mark.parametrize("role", ["agent", "district", "finance"])
def test_only_the_city_reviewer_may_register(factory, approved, role):
    actor = {
        "agent": lambda: approved.unit.agent,
        "district": lambda: factory.district_reviewer(),
        "finance": lambda: factory.finance(),
    }[role]()
    with pytest.raises(NotAllowed, match="只有市总审核员"):
        register(factory, approved, actor=actor)
    unchanged(approved)


def test_a_claim_not_yet_approved_is_refused(factory):
    claim = factory.claim_at_city()  # 市总审核中
    with pytest.raises(InvalidTransition, match="只有审核通过、待给付的申请"):
        register(factory, claim)
    unchanged(claim)


def test_a_paid_claim_is_refused(factory, approved):
    claim_payout_record(
        actor=factory.finance(), claim=approved, paid_on=timezone.localdate(), bank_reference="P1"
    )
    with pytest.raises(InvalidTransition, match="已记录给付"):
        register(factory, approved)
    unchanged(approved)


def test_a_claim_in_an_open_batch_is_refused(factory, approved):
    batch = payout_batch_create(actor=factory.finance(), claims=[approved], template=generic())
    with pytest.raises(InvalidTransition, match=f"已在给付批次 {batch.number} 中"):
        register(factory, approved)
    unchanged(approved)


def test_a_claim_already_paid_to_heirs_is_refused(factory, approved):
    register(factory, approved)
    with pytest.raises(InvalidTransition, match="继承人已登记"):
        register(factory, approved, heirs=factory.heirs(("50", "50")))
    assert [h.share for h in Claim.objects.get(pk=approved.pk).heirs.order_by("seq")] == [D("60"), D("40")]


def test_the_refusal_is_audited_as_refused(factory, approved):
    with pytest.raises(NotAllowed):
        register(factory, approved, actor=factory.staff(User.Role.FINANCE))
    assert AuditLog.objects.filter(verb="claim_register_death", outcome=AuditLog.Outcome.REFUSED).exists()


# --- the screen -------------------------------------------------------------------------------------------


def heir_post(factory, **extra):
    heirs = factory.heirs()
    data = {"member_deceased": "on", "heirs-TOTAL_FORMS": "2", "heirs-INITIAL_FORMS": "0", **extra}
    for index, heir in enumerate(heirs):
        for field in ("name", "relation", "id_number", "bank_name", "bank_account", "share"):
            data[f"heirs-{index}-{field}"] = str(getattr(heir, field))
    return data


@pytest.mark.parametrize("role", ["agent", "district"])
def test_the_screen_is_forbidden_to_the_agent_and_the_district_reviewer(client, factory, approved, role):
    user = approved.unit.agent if role == "agent" else factory.district_reviewer()
    client.force_login(user)
    url = f"/claims/{approved.pk}/death/"

    assert client.get(url).status_code == 403
    assert client.post(url, {**heir_post(factory), **proofs()}).status_code == 403
    unchanged(approved)


def test_the_city_reviewer_is_offered_the_registration_and_a_missing_proof_is_named(
    client, factory, approved
):
    client.force_login(factory.city_reviewer())
    page = client.get(f"/review/cases/{approved.case_id}/").content.decode()
    assert f"/claims/{approved.pk}/death/" in page and "登记身故及继承人" in page

    response = client.post(f"/claims/{approved.pk}/death/", {**heir_post(factory), **proofs(PROOF_SLOTS[:2])})

    assert response.status_code == 200
    assert "请上传以下材料后再登记：亲属关系证明" in response.content.decode()
    unchanged(approved)
    response = client.post(f"/claims/{approved.pk}/death/", {**heir_post(factory), **proofs()})
    assert response.status_code == 302
    page = client.get(f"/review/cases/{approved.case_id}/").content.decode()
    assert "王秀英" in page and "赵小明" in page and f"/claims/{approved.pk}/death/" not in page
    client.force_login(approved.unit.agent)  # the agent sees the heirs (masked) on the claim page
    page = client.get(f"/claims/{approved.pk}/").content.decode()
    assert "会员已身故" in page and "王秀英" in page and "赵小明" in page
    assert factory.heirs()[0].id_number not in page
