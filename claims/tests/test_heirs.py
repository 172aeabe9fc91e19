"""受益人（继承人） of death claims: the shares (pure: 0 < share ≤ 100, together exactly 100 %; the parts
of an amount to the fen adding up to it), 保存 / 编辑 with heirs all or nothing, the three proofs before
上报, and the payout in one 给付批次 line and one payout per heir (a failed heir waits alone; 已结案
when all are paid)."""

import io
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from audit.reveal import token_for
from claims.heirs import check_shares, parse_share, split_amount
from claims.models import BankFileTemplate, Claim, ClaimHeir, Payout, PayoutBatchLine
from claims.services import (
    claim_payout_record,
    claim_update,
    payout_batch_check,
    payout_batch_create,
    payout_batch_files,
    payout_batch_settle,
)
from core.errors import DomainError, Incomplete, InvalidTransition
from core.masking import mask_bank_account, mask_id_number
from core.models import AuditLog
from review.engine import case_transition
from review.models import Action, Status
from tests.concurrency import run_at_once, skip_unless_postgresql

D = Decimal


# --- pure: shares and parts -----------------------------------------------------------------------------


def test_shares_must_add_up_to_exactly_100_percent_and_the_message_shows_the_sum():
    check_shares([D("33.33"), D("33.33"), D("33.34")])
    check_shares([D("100")])
    with pytest.raises(DomainError, match=r"各继承人份额合计应为100%，当前合计为99\.99%"):
        check_shares([D("33.33"), D("33.33"), D("33.33")])
    with pytest.raises(DomainError, match=r"当前合计为150\.00%"):
        check_shares([D("100"), D("50")])
    with pytest.raises(DomainError, match="至少填写一位继承人"):
        check_shares([])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", "应大于0且不超过100%"),
        ("-5", "应大于0且不超过100%"),
        ("100.01", "应大于0且不超过100%"),
        ("33.333", "最多保留两位小数"),
        ("一半", "应为数字"),
        ("NaN", "应大于0且不超过100%"),
        ("", "应为数字"),
    ],
)
def test_a_share_is_a_percentage_above_0_up_to_100_with_two_decimals(raw, message):
    with pytest.raises(DomainError, match=message):
        parse_share(raw, row=2)
    assert parse_share("50%", row=1) == D("50.00") and parse_share(" 33.3 ", row=1) == D("33.30")


def test_three_heirs_of_10000_01_get_parts_to_the_fen_that_add_up_with_the_remainder_on_the_largest():
    parts = split_amount(D("10000.01"), [D("33.33"), D("33.33"), D("33.34")])

    assert parts == [D("3333.00"), D("3333.00"), D("3334.01")]
    assert sum(parts) == D("10000.01")


def test_equal_shares_put_the_remainder_fen_on_the_first_heir():
    assert split_amount(D("100.00"), [D("33.34"), D("33.33"), D("33.33")]) == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    assert split_amount(D("0.01"), [D("50"), D("50")]) == [D("0.01"), D("0.00")]
    assert split_amount(D("20000.00"), [D("60"), D("40")]) == [D("12000.00"), D("8000.00")]


# 1–10 heirs: the cut points of 100.00 % in hundredths, and any amount up to 1,000,000 元.
_shares = st.sets(st.integers(1, 9999), max_size=9).map(
    lambda cuts: [D(b - a) / 100 for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), 10000], strict=True)]
)


@given(shares=_shares, cents=st.integers(0, 100_000_000))
def test_parts_always_add_up_to_the_total_and_stay_within_a_few_fen_of_the_exact_share(shares, cents):
    total = D(cents) / 100
    parts = split_amount(total, shares)
    assert sum(parts) == total
    for part, share in zip(parts, shares, strict=True):
        assert part >= 0 and part == part.quantize(D("0.01"))
        assert abs(part - total * share / 100) < D("0.01") * len(shares)


# --- 保存 / 编辑 with heirs ---------------------------------------------------------------------------


@pytest.fixture
def unit(factory):
    return factory.approved_unit(org="市南区")


@pytest.fixture
def zhao(factory, unit):
    return factory.covered_member(unit, name="赵强", female=False)


def death_claim(factory, unit, member, **fields):
    return factory.claim(unit, member, kind="accident", injury="death", disability_grade=None, **fields)


def test_a_death_claim_saves_its_heirs_instead_of_a_payee(factory, unit, zhao):
    heirs = factory.heirs()
    claim = death_claim(factory, unit, zhao, payee_name="赵强", payee_account="6222020000000000001")

    assert claim.needs_heirs
    assert (claim.payee_name, claim.payee_bank, claim.payee_account) == ("", "", "")
    saved = list(claim.heirs.all())
    assert [(h.seq, h.name, h.relation, h.share) for h in saved] == [
        (1, "王秀英", "spouse", D("60.00")),
        (2, "赵小明", "child", D("40.00")),
    ]
    assert saved[0].id_number == heirs[0].id_number and saved[0].bank_account == heirs[0].bank_account
    with connection.cursor() as cursor:  # the account is encrypted in the database
        cursor.execute("SELECT bank_account FROM claims_claimheir WHERE id = %s", [saved[0].pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("gAAAAA") and heirs[0].bank_account not in stored
    row = AuditLog.objects.get(verb="claim_create")
    assert row.changes["heirs"] == [
        f"王秀英 {mask_id_number(heirs[0].id_number)} 60.00%",
        f"赵小明 {mask_id_number(heirs[1].id_number)} 40.00%",
    ]
    assert heirs[0].id_number not in str(row.changes)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda heirs, member: [heirs[0], replace(heirs[1], share="39.99")], "当前合计为99.99%"),
        (lambda heirs, member: [], "至少填写一位继承人"),
        (
            lambda heirs, member: [heirs[0], replace(heirs[1], id_number=heirs[0].id_number)],
            "第2位与第1位继承人的身份证号相同",
        ),
        (lambda heirs, member: [replace(heirs[0], id_number=member.id_number), heirs[1]], "身故会员本人"),
        (
            lambda heirs, member: [heirs[0], replace(heirs[1], id_number="370202199001011234")],
            "第2位继承人的身份证号校验位错误",
        ),
        (lambda heirs, member: [heirs[0], replace(heirs[1], relation="other")], "请填写关系说明"),
        (
            lambda heirs, member: [heirs[0], replace(heirs[1], bank_account="")],
            "请填写第2位继承人的开户银行和银行账号",
        ),
        (lambda heirs, member: [heirs[0], replace(heirs[1], share="0")], "第2位继承人的份额应大于0"),
    ],
)
def test_a_bad_heir_row_refuses_the_save_and_writes_nothing(factory, unit, zhao, change, message):
    heirs = change(factory.heirs(), zhao)

    with pytest.raises(DomainError, match=message):
        death_claim(factory, unit, zhao, heirs=heirs)

    assert not Claim.objects.exists() and not ClaimHeir.objects.exists()
    assert AuditLog.objects.get(verb="claim_create").outcome == "refused"


def test_an_edit_with_a_bad_heir_row_changes_nothing_and_blank_id_and_account_keep_the_saved_ones(
    factory, unit, zhao
):
    claim = death_claim(factory, unit, zhao)
    before = [(h.name, h.id_number, h.bank_account, h.share) for h in claim.heirs.all()]
    specs = [replace(h, keep=seq, id_number="", bank_account="") for seq, h in enumerate(factory.heirs(), 1)]

    with pytest.raises(DomainError, match=r"当前合计为90\.00%"):
        claim_update(
            actor=unit.agent,
            claim=claim,
            hospital="别的医院",
            heirs=[specs[0], replace(specs[1], share="30")],
        )
    assert [(h.name, h.id_number, h.bank_account, h.share) for h in claim.heirs.all()] == before
    assert Claim.objects.get(pk=claim.pk).hospital == "青岛大学附属医院"

    claim_update(
        actor=unit.agent, claim=claim, heirs=[replace(specs[0], share="50"), replace(specs[1], share="50")]
    )
    assert [(h.name, h.id_number, h.bank_account, h.share) for h in claim.heirs.all()] == [
        (name, id_number, account, D("50.00")) for name, id_number, account, _share in before
    ]


def test_an_illness_claim_whose_member_died_needs_heirs_and_pays_them(factory, unit):
    li_mei = factory.covered_member(unit, name="李梅")
    with pytest.raises(DomainError, match="至少填写一位继承人"):
        factory.claim(unit, li_mei, member_deceased=True, heirs=[])

    claim = factory.claim(unit, li_mei, member_deceased=True)

    assert claim.member_deceased and claim.needs_heirs and claim.heirs.count() == 2
    accident = factory.claim(unit, factory.covered_member(unit, name="王芳"), kind="accident")
    assert not accident.member_deceased and not accident.needs_heirs  # 伤残 pays the payee


def test_submitting_a_death_claim_needs_the_three_proofs(factory, unit, zhao):
    claim = factory.claim_materials(death_claim(factory, unit, zhao), slots=["accident_proof", "diagnosis"])

    with pytest.raises(Incomplete, match="请先上传以下材料后再上报：死亡证明、户籍注销证明、亲属关系证明"):
        case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    factory.claim_materials(claim, slots=["death_certificate", "deregistration"])
    with pytest.raises(Incomplete, match=r"：亲属关系证明$"):
        case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    claim.case.refresh_from_db()
    assert claim.case.status == Status.DRAFT

    factory.claim_materials(claim, slots=["kinship"])
    case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    claim.case.refresh_from_db()
    assert claim.case.status == Status.IN_REVIEW


# --- 给付: one line and one payout per heir ----------------------------------------------------------------


def approve(factory, claim, amount):
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=claim.unit.agent)
    case = case_transition(case=case, action=Action.APPROVE, actor=factory.district_reviewer())
    case_transition(
        case=case, action=Action.APPROVE, actor=factory.city_reviewer(), data={"approved_amount": amount}
    )
    claim.refresh_from_db()
    return claim


@pytest.fixture
def approved_death_claim(factory, unit, zhao):
    """意外身故 of 赵强 (2份 → up to 20,000), heirs 33.33 / 33.33 / 33.34, approved at 10,000.01."""
    claim = death_claim(factory, unit, zhao, heirs=factory.heirs(("33.33", "33.33", "33.34")))
    return approve(factory, factory.claim_materials(claim), "10000.01")


def generic():
    return BankFileTemplate.objects.get(code="generic")


def test_a_batch_has_one_line_per_heir_with_their_part_and_the_bank_file_lists_each_heir(
    factory, approved_death_claim
):
    heirs = list(approved_death_claim.heirs.all())
    maker, checker = factory.finance(), factory.finance()

    batch = payout_batch_create(actor=maker, claims=[approved_death_claim], template=generic())
    payout_batch_check(actor=checker, batch=batch)

    lines = list(batch.lines.order_by("seq"))
    assert [(line.heir, line.amount) for line in lines] == [
        (heirs[0], D("3333.00")),
        (heirs[1], D("3333.00")),
        (heirs[2], D("3334.01")),
    ]
    [(_name, content)] = payout_batch_files(actor=maker, batch=batch)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert [row[1:5] for row in rows[1:]] == [
        [heir.name, heir.bank_account, heir.bank_name, float(amount)]  # the bank needs the full account
        for heir, amount in zip(heirs, (3333.00, 3333.00, 3334.01), strict=True)
    ]


def test_the_claim_is_closed_only_when_every_heir_is_paid_and_a_failed_heir_waits_alone(
    factory, approved_death_claim
):
    claim = approved_death_claim
    heirs = list(claim.heirs.all())
    maker, checker = factory.finance(), factory.finance()
    batch = payout_batch_create(actor=maker, claims=[claim], template=generic())
    payout_batch_check(actor=checker, batch=batch)
    failed = batch.lines.get(heir=heirs[1])

    assert payout_batch_settle(
        actor=maker, batch=batch, paid_on=timezone.localdate(), failures={failed.pk: "账号已销户"}
    ) == (2, 1)

    claim.case.refresh_from_db()
    assert claim.case.status == Status.APPROVED  # 待给付 for 赵小明 only
    assert sorted(p.heir.seq for p in claim.payouts.all()) == [1, 3]
    again = payout_batch_create(actor=maker, claims=[claim], template=generic())
    assert [(line.heir, line.amount) for line in again.lines.all()] == [(heirs[1], D("3333.00"))]
    payout_batch_check(actor=checker, batch=again)
    payout_batch_settle(actor=maker, batch=again, paid_on=timezone.localdate(), failures={})

    claim.case.refresh_from_db()
    assert claim.case.status == Status.CLOSED
    assert sum(p.amount for p in claim.payouts.all()) == D("10000.01")
    closing = claim.case.transitions.get(action="record_payout").reason
    assert closing.startswith("给付 10,000.01 元，流水号 3位继承人 ")


def test_a_claim_with_heirs_is_not_paid_through_the_single_payout_form(factory, approved_death_claim):
    with pytest.raises(InvalidTransition, match="请通过【给付批次】制单给付"):
        claim_payout_record(
            actor=factory.finance(),
            claim=approved_death_claim,
            paid_on=timezone.localdate(),
            bank_reference="X1",
        )
    assert not Payout.objects.exists()
    approved_death_claim.case.refresh_from_db()
    assert approved_death_claim.case.status == Status.APPROVED


def test_a_claim_with_heirs_in_an_open_batch_may_not_join_another(factory, approved_death_claim):
    maker = factory.finance()
    payout_batch_create(actor=maker, claims=[approved_death_claim], template=generic())

    with pytest.raises(InvalidTransition, match="已在给付批次 GF"):
        payout_batch_create(actor=maker, claims=[approved_death_claim], template=generic())
    assert PayoutBatchLine.objects.count() == 3


def test_the_database_refuses_a_second_open_line_or_a_second_payout_for_one_heir(
    factory, approved_death_claim
):
    """Works the same on PostgreSQL and SQLite (partial unique indexes, each statement in a savepoint)."""
    maker = factory.finance()
    batch = payout_batch_create(actor=maker, claims=[approved_death_claim], template=generic())
    first = batch.lines.order_by("seq").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutBatchLine.objects.create(batch=batch, claim=first.claim, heir=first.heir, seq=99, amount=1)
    PayoutBatchLine.objects.filter(pk=first.pk).update(is_open=False)  # once closed, a new line may open
    PayoutBatchLine.objects.create(batch=batch, claim=first.claim, heir=first.heir, seq=99, amount=1)

    paid = {"claim": first.claim, "heir": first.heir, "amount": 1, "paid_on": timezone.localdate()}
    Payout.objects.create(**paid, bank_reference="A", recorded_by=maker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.create(**paid, bank_reference="B", recorded_by=maker)
    assert Payout.objects.count() == 1


def test_the_payout_records_show_each_heir_masked_and_the_reveal_is_logged(
    client, factory, approved_death_claim
):
    claim = approved_death_claim
    heirs = list(claim.heirs.all())
    maker, checker = factory.finance(), factory.finance()
    batch = payout_batch_create(actor=maker, claims=[claim], template=generic())
    payout_batch_check(actor=checker, batch=batch)
    payout_batch_settle(actor=maker, batch=batch, paid_on=timezone.localdate(), failures={})
    client.force_login(maker)

    page = client.get("/billing/history/?tab=payouts").content.decode()
    for heir in heirs:
        assert f"{heir.name}<span" in page
    export = client.get("/billing/history/export/").content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export)).get_sheet_by_name("给付记录").to_python()
    assert sorted((row[5], row[7], row[8]) for row in sheet[1:]) == sorted(
        (heir.name, mask_bank_account(heir.bank_account), amount)
        for heir, amount in zip(heirs, (3333.00, 3333.00, 3334.01), strict=True)
    )

    city = factory.city_reviewer()
    client.force_login(city)
    item = client.get(f"/review/cases/{claim.case_id}/").content.decode()
    assert mask_id_number(heirs[0].id_number) in item and mask_bank_account(heirs[0].bank_account) in item
    for heir in heirs:
        assert heir.id_number not in item and heir.bank_account not in item
    assert "3,334.01" in item
    token = token_for(city, heirs[2], "id_number")  # 「显示完整」: the full value, and the read is logged
    shown = client.post("/audit/reveal/", {"t": token}).content.decode()
    assert heirs[2].id_number in shown
    read = AuditLog.objects.filter(verb="reveal", actor=city).get()
    assert read.changes == {"field": "继承人身份证号"}


@pytest.mark.django_db(transaction=True)
def test_two_clerks_making_a_batch_of_the_same_heir_claim_at_once_put_it_in_one_batch(factory):
    skip_unless_postgresql("two transactions can never be inside the open-batch check at the same time")
    unit = factory.approved_unit(org="市南区")
    member = factory.covered_member(unit, name="赵强", female=False)
    claim = approve(factory, factory.claim_materials(death_claim(factory, unit, member)), "20000.00")
    clerks = [factory.finance(), factory.finance()]

    results = run_at_once(
        *[
            lambda i=i: payout_batch_create(actor=clerks[i], claims=[claim], template=generic())
            for i in range(2)
        ]
    )

    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    (loser,) = [r for r in results if isinstance(r, Exception)]
    assert isinstance(loser, InvalidTransition) and "已在给付批次" in loser.message
    assert PayoutBatchLine.objects.filter(claim=claim, is_open=True).values("batch").distinct().count() == 1
    assert PayoutBatchLine.objects.filter(claim=claim).count() == 2
