"""The generated city (small scale) is data the real code accepts: valid ID numbers, cases whose status,
step and timeline are what the review engine would have left, eligible claims, rosters and coverages that
add up, and the screens of every role open on it."""

import pytest
from django.db import transaction
from django.db.models import Count

from bench.city import BIG_UNIT_NAME, HEAVY_AGENT, CityGenerator
from core.validators import validate_credit_code, validate_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, tmp_path_factory):
    """One small city for the whole module (about 10 s), rolled back at the end."""
    from django.conf import settings

    media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, tmp_path_factory.mktemp("city-media")
    with django_db_blocker.unblock(), transaction.atomic():
        yield CityGenerator("small", log=lambda *_: None).run()
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


def test_every_member_and_unit_has_a_valid_identifier(city):
    from enrollment.models import Member
    from units.models import Unit

    members = list(Member.objects.values_list("id_number", flat=True))
    assert len(members) == len(set(members)) >= 20_000
    for id_number in members:
        validate_id_number(id_number)
    for code in Unit.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)


def test_cases_are_where_their_timeline_and_workflow_put_them(city):
    from review.engine import applicable_steps
    from review.models import Case, Status

    cases = Case.objects.select_related("workflow", "current_step", "unit__parent_org", "org")
    cases = cases.prefetch_related("transitions", "workflow__steps")
    for case in cases:
        timeline = list(case.transitions.all())
        assert case.version == len(timeline), case
        if case.status == Status.DRAFT:
            assert not timeline
            continue
        assert timeline[-1].to_status == case.status, case
        assert timeline[0].action == "submit"
        if case.status == Status.IN_REVIEW:
            assert case.current_step in applicable_steps(case), case  # 市直: no district step
            assert timeline[-1].to_label == case.current_step.status_label
        else:
            assert case.current_step is None


def test_the_review_queues_and_claims_hold_every_status(city):
    from review.models import Case

    by_kind = dict(Case.objects.filter(status="in_review").values_list("kind").annotate(n=Count("id")))
    assert set(by_kind) == {"unit_registration", "unit_change", "unit_binding", "enrollment", "claim"}
    assert 380 <= sum(by_kind.values()) <= 420  # 20,000 / 50
    claim_statuses = set(Case.objects.filter(kind="claim").values_list("status", flat=True))
    assert claim_statuses == {"draft", "in_review", "needs_materials", "approved", "rejected", "closed"}


def test_claims_pass_the_eligibility_rules_they_were_generated_by(city):
    from claims.models import Claim
    from claims.services import recheck

    for claim in Claim.objects.filter(case__status="in_review").select_related("member", "unit")[:60]:
        failed = [r.message for r in recheck(claim) if r.blocking and not r.ok]
        assert not failed, (claim.pk, failed)


def test_paid_periods_have_their_roster_coverages_notice_and_receipt(city):
    from billing.models import PaymentReceipt
    from enrollment.models import Application, Coverage

    for application in Application.objects.filter(case__status="effective").select_related("payment_notice")[
        :50
    ]:
        assert application.roster.count() == application.roster_count
        lines = {line.plan_id: line for line in application.plan_lines.all()}
        for plan_id, line in lines.items():
            assert (
                Coverage.objects.filter(application=application, plan_id=plan_id).count() == line.member_count
            )
        assert sum(line.amount for line in lines.values()) == application.total_amount
        assert (
            PaymentReceipt.objects.get(notice=application.payment_notice).amount == application.total_amount
        )


@pytest.mark.parametrize(
    "username, path",
    [
        (HEAVY_AGENT, "/units/"),
        (HEAVY_AGENT, "/claims/"),
        ("city", "/review/"),
        ("shinan", "/review/"),
        ("city", "/reports/"),
        ("finance", "/billing/"),
        ("finance", "/billing/payouts/"),
    ],
)
def test_every_role_opens_its_screens_on_the_city(city, client, username, path):
    from accounts.models import User

    client.force_login(User.objects.get(username=username))
    assert client.get(path).status_code == 200


def test_the_reviewer_opens_a_waiting_case_of_every_kind(city, client):
    from accounts.models import User
    from review.models import Case

    client.force_login(User.objects.get(username="city"))
    for kind in ("unit_registration", "unit_change", "unit_binding", "enrollment", "claim"):
        case = Case.objects.filter(kind=kind, status="in_review", current_step__actor="city").first()
        response = client.get(f"/review/cases/{case.pk}/")
        assert response.status_code == 200, kind
        assert "通过" in response.content.decode()


def test_the_biggest_units_roster_pages_and_searches(city, client):
    from enrollment.models import Application

    application = Application.objects.filter(unit__name=BIG_UNIT_NAME, case__status="effective").first()
    client.force_login(application.unit.agent)
    entry = application.roster.order_by("row_number")[1000]
    page = client.get(
        f"/enrollment/{application.pk}/roster/?q={entry.id_number[-6:]}", HTTP_HX_REQUEST="true"
    )
    assert page.status_code == 200
    assert entry.name in page.content.decode()


def test_death_claims_are_paid_to_heirs_through_a_settled_batch(city):
    """意外身故 is paid to the heirs (issue 14): no payee; shares adding up to 100 % and valid ID numbers;
    the three proofs on every submitted one; a paid one has one payout and one paid 给付批次 line per heir,
    adding up to the approved amount."""
    from decimal import Decimal

    from django.db.models import Sum

    from claims.heirs import check_shares
    from claims.models import HEIR_SLOTS, Claim, Payout, PayoutBatchLine

    deaths = list(Claim.objects.filter(injury="death").prefetch_related("heirs").select_related("case"))
    assert deaths
    proofs = {slot.code for slot in HEIR_SLOTS}
    for claim in deaths:
        heirs = list(claim.heirs.all())
        assert heirs and claim.needs_heirs and claim.payee_name == claim.payee_account == ""
        check_shares([heir.share for heir in heirs])
        for heir in heirs:
            assert validate_id_number(heir.id_number) != claim.member.id_number
        if claim.case.status != "draft":
            assert proofs <= set(claim.case.materials.values_list("slot", flat=True)), claim.pk
        if claim.case.status == "closed":
            payouts = Payout.objects.filter(claim=claim)
            assert sorted(payouts.values_list("heir_id", flat=True)) == sorted(h.pk for h in heirs)
            assert payouts.aggregate(total=Sum("amount"))["total"] == claim.approved_amount > Decimal(0)
            lines = PayoutBatchLine.objects.filter(claim=claim, result="paid", is_open=False)
            assert lines.count() == len(heirs) and lines.first().batch.state == "settled"
