"""The generated city (`manage.py generate_city --scale full|small`): units, members, two paid periods,
review queues, claims in every status, notices and receipts — written in bulk (bench.bulk), consistent
with what the real screens read:

- the organisation tree, plans and review chains are the reference data (orgs/plans/review.reference);
- statuses are the review enums; every case's timeline (Transition rows) is the path the engine would have
  taken through its workflow's steps (市直 units skip the district step), current_step included;
- material slots come from each business type in review's registry; all material rows point at one small
  PDF per slot stored once through the private (encrypted) storage;
- encrypted claim fields go through core.crypto, eligibility through claims.eligibility.evaluate;
- ID numbers pass core.validators (GB 11643 check digit), credit codes GB 32100.

Full scale: about 5,000 units (a few with 20,000+ staff, one with 100,000), 1,000,000 members,
2,000,000 coverages (previous and current period), 50,000 claims, 20,000 cases waiting for a reviewer.
"""

import datetime
import json
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bench.bulk import BulkWriter, without_indexes
from bench.people import SLOTS, Names, agent_id, member_id, unit_name
from billing.models import PaymentNotice, PaymentReceipt
from claims.eligibility import CoverageFact, evaluate, suggest_amount
from claims.heirs import split_amount
from claims.models import (
    ACCIDENT_SLOTS,
    HEIR_SLOTS,
    ILLNESS_SLOTS,
    BankFileTemplate,
    Claim,
    ClaimHeir,
    ClaimLine,
    Payout,
    PayoutBatch,
    PayoutBatchLine,
)
from claims.selectors import plan_fact
from core.crypto import encrypt_str
from core.samples import tiny_pdf
from core.uploads import sha256_of
from core.validators import credit_check_char
from demo.seed import DEMO_PASSWORD, seed_demo
from enrollment.models import Application, ApplicationPlan, Coverage, Member, RosterEntry
from enrollment.periods import add_months, fee_per_member, twelve_month_period, whole_months
from orgs.models import OrgNode
from plans.models import Disease, Plan
from review.models import Action, BusinessKind, Case, Material, Status, StepActor, Transition, Workflow
from review.registry import business_type_for
from units.models import Unit, UnitBinding, UnitChange

SCALES = {"full": 1.0, "small": 1 / 50}
DEMO_UNION = {
    "UNION_ACCOUNT_NAME": "青岛市总工会职工互助保障专户（演示）",
    "UNION_BANK_NAME": "演示银行青岛分行（演示数据）",
    "UNION_BANK_ACCOUNT": "0000 0000 0000 0000 000（演示账号，请勿转账）",
}
BIG_UNIT_NAME = "青岛港湾集团有限公司"  # the 100,000-member unit (1/50 of it at small scale)
HEAVY_AGENT = "18600000000"  # the agent holding the most units (the unit list under load)
# Plan sets a unit enrols its staff in (same 份 for the whole unit), with their share of units.
PLAN_SETS = ((("ZJ", 1),), (("YW", 2),), (("ZJ", 1), ("NG", 1)), (("YL", 1),), (("ZJ", 2),), (("YW", 1),))
PLAN_SET_WEIGHTS = (30, 30, 15, 10, 8, 7)
CLAIM_STATUSES = (  # (status, step actor or None, share of claims)
    ("draft", None, 0.08),
    ("in_review", "district", 0.14),
    ("in_review", "city", 0.10),
    ("needs_materials", None, 0.06),
    ("approved", None, 0.12),
    ("rejected", None, 0.04),
    ("closed", None, 0.46),
)
HOSPITALS = (
    "青岛大学附属医院",
    "青岛市市立医院",
    "青岛市中心医院",
    "青岛市第八人民医院",
    "青岛市海慈医疗集团",
)
BANKS = (
    "中国工商银行青岛分行",
    "中国建设银行青岛分行",
    "中国农业银行青岛分行",
    "青岛银行",
    "中国银行青岛分行",
)


@dataclass
class Scale:
    name: str
    factor: float

    def n(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.factor))

    def __post_init__(self):
        self.units = self.n(5000, 60)
        self.members = self.n(1_000_000, 5000)
        self.claims = self.n(50_000, 300)
        self.queue = self.n(20_000, 200)  # cases waiting for a reviewer


@dataclass
class UnitSpec:
    pk: int
    index: int
    name: str
    org: OrgNode
    nature: str
    agent_pk: int
    size: int
    first_member: int
    plans: tuple
    offset: int  # months between the current period's start and this month
    approved: bool = True
    registration_case: int = 0
    periods: list = field(default_factory=list)  # [(application pk, start, end)] previous, current


class CityGenerator:
    def __init__(self, scale: str = "small", seed: int = 2026, log=print):
        self.scale = Scale(scale, SCALES[scale])
        self.random = random.Random(seed)
        self.names = Names(seed)
        self.log = log
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.w = BulkWriter()
        self.timings: dict[str, float] = {}

    # --- helpers ----------------------------------------------------------------------------------------

    def at(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        """A moment of DAY (never in the future)."""
        moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(hour, self.random.randrange(60)))
        )
        return min(moment, self.now)

    def step(self, label: str, started: float) -> None:
        self.timings[label] = time.perf_counter() - started
        self.log(f"  {label}: {self.timings[label]:.1f} s")

    def role_label(self, user: User) -> str:
        label = user.get_role_display()
        if user.role == User.Role.DISTRICT_REVIEWER and user.org_id:
            label += f"（{user.org.name}）"
        return label

    # --- reference data and staff -----------------------------------------------------------------------

    def load_reference(self) -> None:
        for name, value in DEMO_UNION.items():  # the same demo account `make run` uses (marked 演示)
            if not getattr(settings, name, ""):
                setattr(settings, name, value)
        seed_demo()  # org tree, chains, plans and the demo accounts (city, finance, shinan …)
        self.leaves = [n for n in OrgNode.objects.exclude(kind=OrgNode.Kind.GROUP).order_by("position", "id")]
        self.districts = [n for n in self.leaves if n.kind == OrgNode.Kind.DISTRICT]
        self.city_direct = [n for n in self.leaves if n.kind == OrgNode.Kind.CITY_DIRECT]
        self.plans = {p.code: p for p in Plan.objects.all()}
        self.rates = {code: plan.rate_on(self.today).fee_per_share for code, plan in self.plans.items()}
        self.diseases = {
            code: list(Disease.objects.filter(plan__code=code).select_related("plan", "counts_as__plan"))
            for code in ("ZJ", "NG")
        }
        self.plan_facts = {code: plan_fact(plan) for code, plan in self.plans.items()}
        self.workflows = {w.kind: w for w in Workflow.objects.prefetch_related("steps")}
        self.steps = {kind: list(w.steps.all()) for kind, w in self.workflows.items()}
        self.city = User.objects.get(username="city")
        self.finance = User.objects.get(username="finance")
        self.finance_checker = User.objects.get(username="finance2")  # 给付批次: maker ≠ checker
        self.password = make_password(DEMO_PASSWORD)
        self.reviewers = {}
        staff = []
        uid = self.w.ids(User)
        for position, node in enumerate(self.districts):
            username = f"reviewer{position + 1:02d}"
            existing = User.objects.filter(username=username).first()
            if existing is None and node.name == "市南区":
                existing = User.objects.get(username="shinan")
            if existing is None:
                existing = User(pk=next(uid), username=username, role=User.Role.DISTRICT_REVIEWER, org=node)
                existing.real_name = f"{node.name}审核员"
                staff.append(existing)
            self.reviewers[node.pk] = existing
        self._write_users(staff)
        for user in staff:
            user.org = next(n for n in self.districts if n.pk == user.org_id)

    def _write_users(self, users: list[User], *, agents=False) -> None:
        names = [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "role",
            "real_name",
            "id_number",
            "mobile",
            "org_id",
            "realname_verified_at",
            "password_changed_at",
        ]
        now = self.now
        self.w.write(
            User,
            names,
            (
                (
                    u.pk,
                    self.password,
                    None,
                    False,
                    u.username,
                    "",
                    "",
                    "",
                    False,
                    True,
                    now,
                    u.role,
                    u.real_name,
                    u.id_number,
                    u.mobile,
                    u.org_id,
                    now if agents else None,
                    now,
                )
                for u in users
            ),
        )

    # --- the cases' timelines ---------------------------------------------------------------------------

    def chain(self, kind: str, org: OrgNode):
        steps = self.steps[kind]
        return [s for s in steps if s.actor != StepActor.DISTRICT] if org.is_city_direct else steps

    def reviewer_for(self, step, org) -> User:
        return self.reviewers.get(org.pk, self.city) if step.actor == StepActor.DISTRICT else self.city

    def timeline(self, *, case_pk, kind, org, agent, outcome, start_day, amount_note=""):
        """Transitions of one case that went submit → (approve …) → OUTCOME, from START_DAY on.

        OUTCOME: "district"/"city" (waiting at that step), "approved", "effective", "closed",
        "returned"/"needs_materials" (returned by the last step), "rejected". Returns (status, current step,
        submitted_at, decided_at, version, last_return_reason, rows) — rows in TRANSITION_NAMES' order.
        Longer than 60 lines on purpose: one table family written in one pass of bulk rows (COPY /
        executemany), read top to bottom like the data it generates."""
        steps, rows = self.chain(kind, org), []
        day = start_day

        def move(actor, role, moment, action, step_name, from_to, labels, reason=""):
            rows.append(
                (
                    case_pk,
                    actor.pk,
                    actor.display_name,
                    role,
                    moment,
                    action,
                    step_name,
                    *from_to,
                    *labels,
                    reason,
                )
            )

        submitted = self.at(day, 9)
        move(
            agent,
            "代办员",
            submitted,
            Action.SUBMIT,
            "",
            (Status.DRAFT, Status.IN_REVIEW),
            ("草稿", steps[0].status_label),
        )
        if outcome in ("district", "city"):
            # 市直 units have no district step: what waits for "the district" waits for the city.
            waiting = next((i for i, s in enumerate(steps) if s.actor == outcome), len(steps) - 1)
        else:
            waiting = len(steps) - 1  # the last step decides
        for i in range(waiting):  # the steps before passed it on (同意)
            day += datetime.timedelta(days=1)
            reviewer = self.reviewer_for(steps[i], org)
            labels = (steps[i].status_label, steps[i + 1].status_label)
            at = self.at(min(day, self.today), 11)
            move(
                reviewer,
                self.role_label(reviewer),
                at,
                Action.APPROVE,
                steps[i].name,
                (Status.IN_REVIEW,) * 2,
                labels,
                "同意",
            )
        if outcome in ("district", "city"):
            return Status.IN_REVIEW, steps[waiting].pk, submitted, None, len(rows), "", rows
        day = min(day + datetime.timedelta(days=1), self.today)
        last = steps[-1]
        reviewer = self.reviewer_for(last, org)
        decided, returned = self.at(day, 15), ""
        if outcome in ("returned", "needs_materials"):
            returned = "请补充病理报告原件扫描件" if kind == BusinessKind.CLAIM else "请核对名单后重新上报"
            status, label, action, reason = Status(outcome), Status(outcome).label, Action.RETURN, returned
        elif outcome == "rejected":
            status, label, action, reason = Status.REJECTED, "不予给付", Action.REJECT, "经核查不属于保障范围"
        else:
            status, label, action, reason = Status.APPROVED, "审核通过", Action.APPROVE, amount_note or "同意"
        role = self.role_label(reviewer)
        move(
            reviewer,
            role,
            decided,
            action,
            last.name,
            (Status.IN_REVIEW, status),
            (last.status_label, label),
            reason,
        )
        if status in (Status.RETURNED, Status.NEEDS_MATERIALS):
            decided = None
        if outcome in ("effective", "closed"):  # finance settled it: 收款确认 / 给付
            pay_day = min(day + datetime.timedelta(days=self.random.randrange(2, 10)), self.today)
            decided = self.at(pay_day, 16)
            paid = outcome == "effective"
            status = Status.EFFECTIVE if paid else Status.CLOSED
            action = Action.CONFIRM_PAYMENT if paid else Action.RECORD_PAYOUT
            labels = ("审核通过", status.label)
            move(
                self.finance,
                "财务",
                decided,
                action,
                "",
                (Status.APPROVED, status),
                labels,
                "到账" if paid else "已给付",
            )
        return status, None, submitted, decided, len(rows), returned, rows

    CASE_NAMES = [
        "id",
        "kind",
        "workflow_id",
        "unit_id",
        "applicant_id",
        "org_id",
        "title",
        "status",
        "current_step_id",
        "last_return_reason",
        "version",
        "created_at",
        "submitted_at",
        "decided_at",
    ]
    TRANSITION_NAMES = [
        "case_id",
        "actor_id",
        "actor_name",
        "actor_role",
        "at",
        "action",
        "step_name",
        "from_status",
        "to_status",
        "from_label",
        "to_label",
        "reason",
    ]
    MATERIAL_NAMES = [
        "case_id",
        "slot",
        "file",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by_id",
        "uploaded_at",
        "removed_at",
        "removed_by_id",
    ]

    ROSTER_NAMES = [
        "application_id",
        "row_number",
        "name",
        "id_number",
        "mobile",
        "sex",
        "birth_date",
        "shares",
    ]

    def write_cases(self, cases, transitions, materials=()) -> None:
        self.w.write(Case, self.CASE_NAMES, cases)
        self.w.write(Transition, self.TRANSITION_NAMES, transitions)
        self.w.write(Material, self.MATERIAL_NAMES, materials)

    def write_notices(self, notices) -> None:
        names = ["id", "application_id", "number", "amount", "issued_at", "due_date", "pdf"]
        self.w.write(PaymentNotice, names, notices)

    def material_rows(self, case_pk, slots, uploader_pk, at):
        for slot in slots:
            stored = self.stored_pdf(slot.code)
            yield (
                case_pk,
                slot.code,
                stored["name"],
                f"{slot.label}.pdf",
                "application/pdf",
                stored["size"],
                stored["sha256"],
                uploader_pk,
                at,
                None,
                None,
            )

    def stored_pdf(self, slot: str) -> dict:
        """One small PDF per slot, stored once through the materials' (encrypted) storage."""
        cache = self.__dict__.setdefault("_pdfs", {})
        if slot not in cache:
            content = ContentFile(tiny_pdf(slot), name=f"{slot}.pdf")
            field_file = Material.file.field
            name = field_file.storage.save(field_file.generate_filename(None, f"{slot}.pdf"), content)
            cache[slot] = {"name": name, "size": content.size, "sha256": sha256_of(content)}
        return cache[slot]

    # --- units and agents -------------------------------------------------------------------------------

    def unit_sizes(self) -> list[int]:
        """The staff of each approved unit: one of 100,000, four of 20,000–40,000, a few medium, many small
        (scaled), summing to the members."""
        s, total = self.scale, self.scale.members
        big = [round(total * share) for share in (0.10, 0.04, 0.03, 0.025, 0.02)]
        medium = [self.random.randint(round(total * 0.002), round(total * 0.008)) for _ in range(s.n(45, 3))]
        count_small = self.approved_units - len(big) - len(medium)
        left = total - sum(big) - sum(medium)
        small = [min(1500, max(3, int(self.random.lognormvariate(4.2, 1.0)))) for _ in range(count_small)]
        factor = left / sum(small)
        small = [max(1, int(n * factor)) for n in small]
        small[-1] += total - sum(big) - sum(medium) - sum(small)
        sizes = big + medium + small
        assert sum(sizes) == total and min(sizes) > 0, (sum(sizes), total)
        return sizes

    def build_units(self) -> None:
        """Longer than 60 lines on purpose: one table family written in one pass of bulk rows (COPY /
        executemany), read top to bottom like the data it generates."""
        started = time.perf_counter()
        queue = self.scale.queue
        self.pending_registrations = max(2, round(queue * 0.02))
        self.approved_units = self.scale.units - self.pending_registrations
        sizes = self.unit_sizes()
        unit_ids, user_ids = self.w.ids(Unit), self.w.ids(User)
        agents: list[User] = []

        def new_agent(index) -> User:
            female = index % 3 == 0
            mobile = HEAVY_AGENT if index == 0 else f"186{index:08d}"
            user = User(
                pk=next(user_ids),
                username=mobile,
                mobile=mobile,
                role=User.Role.AGENT,
                real_name=self.names.person(female),
                id_number=agent_id(index),
            )
            agents.append(user)
            return user

        heavy = new_agent(0)
        heavy_units = self.scale.n(40, 8)
        self.units: list[UnitSpec] = []
        first = 0
        agent = heavy
        for index, size in enumerate(sizes):
            if index >= heavy_units and (index < heavy_units + 1 or self.random.random() < 0.7):
                agent = new_agent(len(agents))
            org = self._org_for(index)
            nature = "enterprise"
            if org.is_city_direct and org.name == "市直事业单位":
                nature = "institution"
            elif org.is_city_direct and org.name == "市直机关单位":
                nature = "government"
            name = BIG_UNIT_NAME if index == 0 else unit_name(index, nature, org.name)
            plans = PLAN_SETS[0] if index == 0 else self.random.choices(PLAN_SETS, PLAN_SET_WEIGHTS)[0]
            offset = 5 if index == 0 else self.random.randrange(12)
            self.units.append(
                UnitSpec(next(unit_ids), index, name, org, nature, agent.pk, size, first, plans, offset)
            )
            first += size
        for j in range(self.pending_registrations):  # registrations waiting for a reviewer: no staff yet
            index = len(sizes) + j
            org = self._org_for(index)
            agent = new_agent(len(agents))
            spec = UnitSpec(
                next(unit_ids),
                index,
                unit_name(index, "enterprise", org.name),
                org,
                "enterprise",
                agent.pk,
                0,
                first,
                (),
                0,
                approved=False,
            )
            self.units.append(spec)
        self.agents = {a.pk: a for a in agents}
        self._write_users(agents, agents=True)
        self.step(f"{len(agents)} agents", started)

    def _org_for(self, index: int) -> OrgNode:
        if index == 0:
            return next(n for n in self.districts if n.name == "黄岛区(西海岸新区)")
        if index % 10 == 0:
            return self.city_direct[index // 10 % len(self.city_direct)]
        # Districts in proportion to their size (市南/市北/黄岛/城阳 more than the functional areas).
        weights = [9, 8, 6, 5, 8, 12, 7, 6, 5, 4, 1, 1][: len(self.districts)]
        return self.random.choices(self.districts, weights)[0]

    def write_units(self) -> None:
        """Longer than 60 lines on purpose: one table family written in one pass of bulk rows (COPY /
        executemany), read top to bottom like the data it generates."""
        started = time.perf_counter()
        case_ids = self.w.ids(Case)
        cases, transitions, materials = [], [], []
        slots = business_type_for(BusinessKind.UNIT_REGISTRATION).material_slots
        wf = self.workflows[BusinessKind.UNIT_REGISTRATION]
        pending_outcomes = ("district", "city")
        for spec in self.units:
            spec.registration_case = next(case_ids)
            agent = self.agents[spec.agent_pk]
            if spec.approved:
                start_day = add_months(self.today, -30 - spec.index % 24)
                outcome = "approved"
            else:
                start_day = self.today - datetime.timedelta(days=self.random.randrange(1, 20))
                outcome = pending_outcomes[spec.index % 2]
            status, step, submitted, decided, version, _reason, rows = self.timeline(
                case_pk=spec.registration_case,
                kind=BusinessKind.UNIT_REGISTRATION,
                org=spec.org,
                agent=agent,
                outcome=outcome,
                start_day=start_day,
            )
            spec.approved_at = decided
            created = submitted - datetime.timedelta(hours=2)
            cases.append(
                (
                    spec.registration_case,
                    BusinessKind.UNIT_REGISTRATION,
                    wf.pk,
                    spec.pk,
                    agent.pk,
                    spec.org.pk,
                    spec.name,
                    status,
                    step,
                    "",
                    version,
                    created,
                    submitted,
                    decided,
                )
            )
            transitions += rows
            materials += self.material_rows(spec.registration_case, slots, agent.pk, created)
        self.write_cases(cases, transitions, materials)

        names = [
            "id",
            "name",
            "credit_code",
            "parent_org_id",
            "nature",
            "address",
            "contact_phone",
            "employee_count",
            "union_name",
            "merge_history",
            "agent_id",
            "registration_case_id",
            "materials_case_id",
            "approved_at",
            "created_at",
            "updated_at",
            "deleted_at",
        ]

        def rows():
            for spec in self.units:
                first17 = f"91370200{spec.index + 1:09d}"
                created = self.now - datetime.timedelta(days=800)
                yield (
                    spec.pk,
                    spec.name,
                    first17 + credit_check_char(first17),
                    spec.org.pk,
                    spec.nature,
                    f"青岛市{spec.org.name}{UNIT_ROAD[spec.index % len(UNIT_ROAD)]}{spec.index % 300 + 1}号",
                    f"0532-8{spec.index % 10_000_000:07d}",
                    max(spec.size, 1),
                    f"{spec.name}工会",
                    "none",
                    spec.agent_pk,
                    spec.registration_case,
                    spec.registration_case,
                    spec.approved_at,
                    created,
                    self.now,
                    None,
                )

        self.w.write(Unit, names, rows())
        self.step(f"{len(self.units)} units, their registrations", started)

    # --- members, two paid periods, rosters, coverages, notices, receipts ---------------------------------

    def write_members(self) -> None:
        started = time.perf_counter()
        member_ids = self.w.ids(Member)
        self.member_base = next(member_ids)  # member index i has pk member_base + i
        self.people = []  # (id_number, name, sex, birth, mobile) by member index

        def rows():
            for i in range(self.scale.members):
                id_number, birth, female = member_id(i)
                name = self.names.person(female)
                mobile = f"13{i % 10}{i:08d}" if i % 4 else ""
                person = (id_number, name, "F" if female else "M", birth, mobile)
                self.people.append(person)
                yield (self.member_base + i, *person, self.now)

        self.w.write(Member, ["id", "id_number", "name", "sex", "birth_date", "mobile", "updated_at"], rows())
        self.step(f"{self.scale.members} members", started)

    def write_periods(self) -> None:
        """Each approved unit: the previous and the current main period, 保期生效 (paid).
        Longer than 60 lines on purpose: one table family written in one pass of bulk rows (COPY /
        executemany), read top to bottom like the data it generates."""
        started = time.perf_counter()
        app_ids, case_ids, notice_ids = self.w.ids(Application), self.w.ids(Case), self.w.ids(PaymentNotice)
        wf = self.workflows[BusinessKind.ENROLLMENT]
        cases, transitions, apps, lines, notices, receipts = [], [], [], [], [], []
        self.roster_jobs = []  # (application pk, unit spec, start, end)
        for spec in self.units:
            if not spec.approved:
                continue
            current = add_months(self.today.replace(day=1), -spec.offset)
            agent = self.agents[spec.agent_pk]
            counts = self._plan_counts(spec)
            for start in (add_months(current, -12), current):
                start, end = twelve_month_period(start)
                app_pk, case_pk = next(app_ids), next(case_ids)
                submit_day = start - datetime.timedelta(days=20 + spec.index % 7)
                amount = Decimal("0.00")
                for code, shares in spec.plans:
                    per_member = fee_per_member(fee_per_share=self.rates[code], shares=shares, months=12)
                    line_amount = per_member * counts[code]
                    amount += line_amount
                    lines.append(
                        (
                            app_pk,
                            self.plans[code].pk,
                            shares,
                            self.rates[code],
                            per_member,
                            counts[code],
                            line_amount,
                        )
                    )
                title = f"{spec.name} 主保期参保 {start:%Y-%m-%d}至{end:%Y-%m-%d}"
                status, step, submitted, decided, version, _r, rows = self.timeline(
                    case_pk=case_pk,
                    kind=BusinessKind.ENROLLMENT,
                    org=spec.org,
                    agent=agent,
                    outcome="effective",
                    start_day=submit_day,
                )
                approved_at = next(r[4] for r in rows if r[8] == Status.APPROVED)
                cases.append(
                    (
                        case_pk,
                        BusinessKind.ENROLLMENT,
                        wf.pk,
                        spec.pk,
                        agent.pk,
                        spec.org.pk,
                        title,
                        status,
                        step,
                        "",
                        version,
                        submitted - datetime.timedelta(days=1),
                        submitted,
                        decided,
                    )
                )
                transitions += rows
                apps.append(
                    (
                        app_pk,
                        spec.pk,
                        case_pk,
                        "main",
                        start,
                        end,
                        12,
                        "",
                        spec.size,
                        self._over60(spec, start),
                        amount,
                        agent.pk,
                        submitted - datetime.timedelta(days=1),
                    )
                )
                notice_pk = next(notice_ids)
                issued = approved_at
                notices.append(
                    (
                        notice_pk,
                        app_pk,
                        f"JF{issued:%Y%m%d}{app_pk:06d}",
                        amount,
                        issued,
                        timezone.localdate(issued) + datetime.timedelta(days=settings.PAYMENT_DUE_DAYS),
                        "",
                    )
                )
                receipts.append(
                    (
                        notice_pk,
                        amount,
                        timezone.localdate(decided),
                        f"BANK{notice_pk:010d}",
                        self.finance.pk,
                        decided,
                    )
                )
                spec.periods.append((app_pk, start, end))
                self.roster_jobs.append((app_pk, spec, start, end))
        self._write_applications(cases, transitions, apps, lines)
        self.write_notices(notices)
        self.w.write(
            PaymentReceipt,
            ["notice_id", "amount", "paid_on", "bank_reference", "confirmed_by_id", "confirmed_at"],
            receipts,
        )
        self.step(f"{len(apps)} paid periods (applications, notices, receipts)", started)

    def _write_applications(self, cases, transitions, apps, lines) -> None:
        self.write_cases(cases, transitions)
        self.w.write(
            Application,
            [
                "id",
                "unit_id",
                "case_id",
                "kind",
                "period_start",
                "period_end",
                "months",
                "note",
                "roster_count",
                "over60_count",
                "total_amount",
                "created_by_id",
                "created_at",
            ],
            apps,
        )
        self.w.write(
            ApplicationPlan,
            [
                "application_id",
                "plan_id",
                "shares",
                "fee_per_share",
                "fee_per_member",
                "member_count",
                "amount",
            ],
            lines,
        )

    def _members_of(self, spec: UnitSpec):
        return range(spec.first_member, spec.first_member + spec.size)

    def _shares(self, spec: UnitSpec, sex: str) -> dict:
        return {code: shares for code, shares in spec.plans if code != "NG" or sex == "F"}

    def _plan_counts(self, spec: UnitSpec) -> dict:
        counts = {code: 0 for code, _ in spec.plans}
        for i in self._members_of(spec):
            for code in self._shares(spec, self.people[i][2]):
                counts[code] += 1
        return counts

    def _over60(self, spec, start) -> int:
        limit = datetime.date(start.year - 60, start.month, min(start.day, 28))
        return sum(1 for i in self._members_of(spec) if self.people[i][3] <= limit)

    def write_rosters_and_coverages(self) -> None:
        started = time.perf_counter()
        created = self.now - datetime.timedelta(days=30)

        def roster():
            for app_pk, spec, _start, _end in self.roster_jobs:
                for row, i in enumerate(self._members_of(spec), start=2):
                    id_number, name, sex, birth, mobile = self.people[i]
                    yield (
                        app_pk,
                        row,
                        name,
                        id_number,
                        mobile,
                        sex,
                        birth,
                        json.dumps(self._shares(spec, sex)),
                    )

        def coverages():
            plan_pk = {code: plan.pk for code, plan in self.plans.items()}
            for app_pk, spec, start, end in self.roster_jobs:
                for i in self._members_of(spec):
                    for code, shares in self._shares(spec, self.people[i][2]).items():
                        yield (
                            self.member_base + i,
                            spec.pk,
                            plan_pk[code],
                            app_pk,
                            shares,
                            start,
                            end,
                            created,
                        )

        self.w.write(
            RosterEntry,
            self.ROSTER_NAMES,
            roster(),
        )
        self.step(f"{self.w.counts[RosterEntry._meta.db_table]} roster rows", started)
        started = time.perf_counter()
        self.w.write(
            Coverage,
            ["member_id", "unit_id", "plan_id", "application_id", "shares", "start", "end", "created_at"],
            coverages(),
        )
        self.step(f"{self.w.counts[Coverage._meta.db_table]} coverages", started)

    # --- the review queues ------------------------------------------------------------------------------

    def write_queue(self) -> None:
        """Businesses waiting for a reviewer besides claims and registrations: renewals of the units whose
        period ends this month, 追加 with a few new hires, edits (编辑市总审核中), bindings; plus approved
        追加 awaiting 收款确认 (the finance workbench).
        Longer than 60 lines on purpose: one table family written in one pass of bulk rows (COPY /
        executemany), read top to bottom like the data it generates."""
        started = time.perf_counter()
        claims_waiting = round(self.scale.claims * 0.24)
        left = self.scale.queue - claims_waiting - self.pending_registrations
        approved = [s for s in self.units if s.approved and s.index != 0]
        changes = max(1, round(left * 0.09))
        bindings = max(1, round(left * 0.03))
        renewing = [s for s in approved if s.offset == 11 and s.size <= 20_000]
        supplements = max(1, left - changes - bindings - len(renewing))
        self.approved_specs = approved
        app_ids, case_ids, notice_ids = self.w.ids(Application), self.w.ids(Case), self.w.ids(PaymentNotice)
        wf = self.workflows[BusinessKind.ENROLLMENT]
        cases, transitions, apps, lines, materials, notices, roster = [], [], [], [], [], [], []
        extra_index = self.scale.members  # new hires get IDs after every member's
        letter = [s for s in business_type_for(BusinessKind.ENROLLMENT).material_slots if s.required]
        awaiting_payment = max(2, round(supplements * 0.15))
        # Approved 追加 awaiting 收款确认 first, then those in review (a unit may have several 追加 open).
        extra_units = self.random.choices(approved, k=awaiting_payment + supplements)
        for n, spec in enumerate(renewing + extra_units):
            agent = self.agents[spec.agent_pk]
            app_pk, case_pk = next(app_ids), next(case_ids)
            current_end = spec.periods[-1][2]
            if n < len(renewing):
                kind, (start, end), months = (
                    "main",
                    twelve_month_period(current_end + datetime.timedelta(days=1)),
                    12,
                )
                people = [(self.people[i], row) for row, i in enumerate(self._members_of(spec), start=2)]
            else:
                kind, start, end = "supplement", self.today, current_end
                months = whole_months(start, end)
                people = []
                for row in range(2, 2 + 1 + n % 5):
                    id_number, birth, female = member_id(extra_index)
                    extra_index += 1
                    people.append(
                        ((id_number, self.names.person(female), "F" if female else "M", birth, ""), row)
                    )
            waiting_payment = len(renewing) <= n < len(renewing) + awaiting_payment
            outcome = "approved" if waiting_payment else ("district", "city")[n % 2]
            submit_day = self.today - datetime.timedelta(days=self.random.randrange(1, 25))
            status, step, submitted, decided, version, _r, rows = self.timeline(
                case_pk=case_pk,
                kind=BusinessKind.ENROLLMENT,
                org=spec.org,
                agent=agent,
                outcome=outcome,
                start_day=submit_day,
            )
            label = Application.Kind(kind).label
            cases.append(
                (
                    case_pk,
                    BusinessKind.ENROLLMENT,
                    wf.pk,
                    spec.pk,
                    agent.pk,
                    spec.org.pk,
                    f"{spec.name} {label} {start:%Y-%m-%d}至{end:%Y-%m-%d}",
                    status,
                    step,
                    "",
                    version,
                    submitted - datetime.timedelta(hours=3),
                    submitted,
                    decided,
                )
            )
            transitions += rows
            amount = Decimal("0.00")
            for code, shares in spec.plans:
                count = sum(1 for person, _row in people if code in self._shares(spec, person[2]))
                per_member = fee_per_member(fee_per_share=self.rates[code], shares=shares, months=months)
                amount += per_member * count
                lines.append(
                    (
                        app_pk,
                        self.plans[code].pk,
                        shares,
                        self.rates[code],
                        per_member,
                        count,
                        per_member * count,
                    )
                )
            apps.append(
                (
                    app_pk,
                    spec.pk,
                    case_pk,
                    kind,
                    start,
                    end,
                    months,
                    "",
                    len(people),
                    0,
                    amount,
                    agent.pk,
                    submitted - datetime.timedelta(hours=3),
                )
            )
            for (id_number, name, sex, birth, mobile), row in people:
                roster.append(
                    (app_pk, row, name, id_number, mobile, sex, birth, json.dumps(self._shares(spec, sex)))
                )
            if kind == "supplement":
                materials += self.material_rows(case_pk, letter, agent.pk, submitted)
            if waiting_payment:
                notice_pk = next(notice_ids)
                notices.append(
                    (
                        notice_pk,
                        app_pk,
                        f"JF{decided:%Y%m%d}{app_pk:06d}",
                        amount,
                        decided,
                        timezone.localdate(decided) + datetime.timedelta(days=settings.PAYMENT_DUE_DAYS),
                        "",
                    )
                )
        self._write_applications(cases, transitions, apps, lines)
        self.w.write(
            RosterEntry,
            self.ROSTER_NAMES,
            roster,
        )
        self.w.write(Material, self.MATERIAL_NAMES, materials)
        self.write_notices(notices)
        self._write_changes_and_bindings(changes, bindings)
        self.queue_counts = {
            "renewals": len(renewing),
            "supplements": supplements,
            "awaiting_payment": awaiting_payment,
            "changes": changes,
            "bindings": bindings,
            "registrations": self.pending_registrations,
            "claims": claims_waiting,
        }
        self.step(f"review queues {self.queue_counts}", started)

    def _write_changes_and_bindings(self, changes: int, bindings: int) -> None:
        """Longer than 60 lines on purpose: one table family written in one pass of bulk rows (COPY /
        executemany), read top to bottom like the data it generates."""
        case_ids, user_ids = self.w.ids(Case), self.w.ids(User)
        picked = self.random.sample(self.approved_specs, min(len(self.approved_specs), changes + bindings))
        cases, transitions, materials, change_rows, binding_rows, new_agents = [], [], [], [], [], []
        unit_slots = business_type_for(BusinessKind.UNIT_CHANGE).material_slots
        binding_slots = business_type_for(BusinessKind.UNIT_BINDING).material_slots
        for n, spec in enumerate(picked):
            case_pk = next(case_ids)
            owner = self.agents[spec.agent_pk]
            if n < changes:
                kind, applicant, wf = (
                    BusinessKind.UNIT_CHANGE,
                    owner,
                    self.workflows[BusinessKind.UNIT_CHANGE],
                )
                title = spec.name
            else:
                index = len(self.agents) + len(new_agents)
                mobile = f"186{index:08d}"
                applicant = User(
                    pk=next(user_ids),
                    username=mobile,
                    mobile=mobile,
                    role=User.Role.AGENT,
                    real_name=self.names.person(index % 2 == 0),
                    id_number=agent_id(index),
                )
                new_agents.append(applicant)
                kind, wf = BusinessKind.UNIT_BINDING, self.workflows[BusinessKind.UNIT_BINDING]
                title = f"{spec.name}（新代办员：{applicant.real_name}）"
            submit_day = self.today - datetime.timedelta(days=self.random.randrange(1, 30))
            status, step, submitted, _d, version, _r, rows = self.timeline(
                case_pk=case_pk,
                kind=kind,
                org=spec.org,
                agent=applicant,
                outcome="city",
                start_day=submit_day,
            )
            cases.append(
                (
                    case_pk,
                    kind,
                    wf.pk,
                    spec.pk,
                    applicant.pk,
                    spec.org.pk,
                    title,
                    status,
                    step,
                    "",
                    version,
                    submitted - datetime.timedelta(hours=1),
                    submitted,
                    None,
                )
            )
            transitions += rows
            slots = unit_slots if kind == BusinessKind.UNIT_CHANGE else binding_slots
            materials += self.material_rows(case_pk, slots, applicant.pk, submitted)
            if kind == BusinessKind.UNIT_CHANGE:
                change_rows.append(
                    (
                        spec.pk,
                        case_pk,
                        spec.name,
                        f"91370200{spec.index + 1:09d}",
                        spec.org.pk,
                        spec.nature,
                        f"青岛市{spec.org.name}新址路{spec.index % 99 + 1}号",
                        "0532-66668888",
                        max(spec.size, 1),
                        f"{spec.name}工会",
                        "none",
                        True,
                        None,
                        "{}",
                        submitted,
                    )
                )
            else:
                binding_rows.append(
                    (spec.pk, case_pk, applicant.pk, owner.pk, "原代办员工作调动", True, None, submitted)
                )
        self._write_users(new_agents, agents=True)
        self.write_cases(cases, transitions, materials)
        self.w.write(
            UnitChange,
            [
                "unit_id",
                "case_id",
                "name",
                "credit_code",
                "parent_org_id",
                "nature",
                "address",
                "contact_phone",
                "employee_count",
                "union_name",
                "merge_history",
                "is_open",
                "applied_at",
                "changed_fields",
                "created_at",
            ],
            [(*r[:3], r[3] + credit_check_char(r[3]), *r[4:]) for r in change_rows],
        )
        self.w.write(
            UnitBinding,
            [
                "unit_id",
                "case_id",
                "requester_id",
                "previous_agent_id",
                "reason",
                "is_open",
                "applied_at",
                "created_at",
            ],
            binding_rows,
        )

    # --- claims in every status -------------------------------------------------------------------------

    def write_claims(self) -> None:
        """Longer than 60 lines on purpose: one table family written in one pass of bulk rows (COPY /
        executemany), read top to bottom like the data it generates."""
        started = time.perf_counter()
        candidates = [s for s in self.units if s.approved and s.size and s.plans[0][0] in ("ZJ", "YW")]
        weights = [s.size for s in candidates]
        wf = self.workflows[BusinessKind.CLAIM]
        case_ids, claim_ids, heir_ids = self.w.ids(Case), self.w.ids(Claim), self.w.ids(ClaimHeir)
        cases, transitions, materials, claims, lines, payouts = [], [], [], [], [], []
        heirs, heir_lines = [], []  # 意外身故 is paid to the heirs, each through the 给付批次 below
        heir_person = iter(range(8 * SLOTS - 1, 0, -1))  # member_id's indices from the top: no member's
        used: set[int] = set()
        plan_of = self.plans
        count = self.scale.claims
        picks = self.random.choices(candidates, weights, k=count)
        for n in range(count):
            status, actor = next((s, a) for s, a, _ in self._claim_status(n / count))
            spec = picks[n]
            i = self.random.randrange(spec.first_member, spec.first_member + spec.size)
            while i in used:
                i = self.random.randrange(spec.first_member, spec.first_member + spec.size)
            used.add(i)
            _id_number, name, sex, _birth, _mobile = self.people[i]
            member_pk = self.member_base + i
            agent = self.agents[spec.agent_pk]
            previous = spec.periods[0]
            earliest = max(
                previous[1] + datetime.timedelta(days=100), self.today - datetime.timedelta(days=330)
            )
            event = earliest + datetime.timedelta(
                days=self.random.randrange(max(1, (self.today - earliest).days - 20))
            )
            shares_of = dict(spec.plans)
            facts = {
                code: [CoverageFact(code, spec.pk, p[1], p[2], shares_of.get(code, 0)) for p in spec.periods]
                for code in shares_of
            }
            injury, grade, disease, description = "", None, None, ""
            if "ZJ" in shares_of:
                kind = Claim.Kind.ILLNESS
                if sex == "F" and "NG" in shares_of and n % 3:
                    disease = self.random.choice([d for d in self.diseases["NG"] if d.counts_as_id or n % 2])
                    choice = "BOTH" if disease.counts_as_id and n % 4 == 0 else "NG"
                else:
                    disease, choice = self.random.choice(self.diseases["ZJ"]), "ZJ"
                plan_lines = (
                    [(disease.counts_as.plan.code, disease.counts_as), ("NG", disease)]
                    if choice == "BOTH"
                    else [(choice, disease)]
                )
            else:
                kind, choice = Claim.Kind.ACCIDENT, "YW"
                injury = self.random.choice(("disability", "disability", "medical", "death"))
                grade = self.random.randint(5, 10) if injury == "disability" else None
                description = "上班途中骑电动车被机动车撞伤" if n % 2 else "车间搬运时被重物砸伤"
                plan_lines = [("YW", None)]
            results, suggested_lines = [], []
            for code, plan_disease in plan_lines:
                results += evaluate(
                    plan=self.plan_facts[code],
                    event_date=event,
                    today=self.today,
                    member_is_female=sex == "F",
                    coverages=facts[code],
                    unit_ids={spec.pk},
                    disease_name=plan_disease.name if plan_disease else None,
                    needs_disease=kind == Claim.Kind.ILLNESS,
                    open_or_paid_claims=0,
                )
                benefit = (
                    plan_disease.benefit_per_share
                    if plan_disease and plan_disease.benefit_per_share is not None
                    else plan_of[code].benefit_per_share
                )
                suggested_lines.append(
                    (
                        plan_of[code].pk,
                        shares_of[code],
                        suggest_amount(
                            benefit_per_share=benefit,
                            shares=shares_of[code],
                            injury=injury,
                            disability_grade=grade,
                        ),
                    )
                )
            suggested = sum((s for _p, _sh, s in suggested_lines), Decimal("0.00"))
            approved_amount = None
            if status in ("approved", "closed"):
                approved_amount = suggested if suggested else Decimal("3000.00")
            case_pk, claim_pk = next(case_ids), next(claim_ids)
            created = self.at(min(event + datetime.timedelta(days=5 + n % 20), self.today), 8)
            title = f"{name} {Claim.PlanChoice(choice).label} {event:%Y-%m-%d}"
            if status == "draft":
                row = (Status.DRAFT, None, None, None, 0, "", [])
            else:
                outcome = actor or status
                note = f"核定给付金额 {approved_amount:,.2f} 元" if approved_amount is not None else ""
                row = self.timeline(
                    case_pk=case_pk,
                    kind=BusinessKind.CLAIM,
                    org=spec.org,
                    agent=agent,
                    outcome=outcome,
                    start_day=timezone.localdate(created),
                    amount_note=note,
                )
            case_status, step, submitted, decided, version, reason, rows = row
            claim_heirs = []
            if injury == "death":
                shares = (Decimal("100.00"),) if n % 3 else (Decimal("60.00"), Decimal("40.00"))
                relations = (ClaimHeir.Relation.SPOUSE, ClaimHeir.Relation.CHILD)
                for seq, (share, relation) in enumerate(zip(shares, relations, strict=False), start=1):
                    heir_number, _birth, heir_female = member_id(next(heir_person))
                    heir_pk = next(heir_ids)
                    claim_heirs.append((heir_pk, share))
                    heirs.append(
                        (
                            heir_pk,
                            claim_pk,
                            seq,
                            self.names.person(heir_female),
                            relation,
                            "",
                            heir_number,
                            BANKS[(n + seq) % len(BANKS)],
                            encrypt_str(f"6228{heir_pk:015d}"),
                            share,
                        )
                    )
            cases.append(
                (
                    case_pk,
                    BusinessKind.CLAIM,
                    wf.pk,
                    spec.pk,
                    agent.pk,
                    spec.org.pk if submitted else None,
                    title,
                    case_status,
                    step,
                    reason,
                    version,
                    created,
                    submitted,
                    decided,
                )
            )
            transitions += rows
            claims.append(
                (
                    claim_pk,
                    spec.pk,
                    case_pk,
                    member_pk,
                    kind,
                    choice,
                    event,
                    encrypt_str(str(disease.pk)) if disease else "",
                    HOSPITALS[n % len(HOSPITALS)],
                    encrypt_str(description) if description else "",
                    injury,
                    grade,
                    False,  # member_deceased (重疾/女工 paid to heirs): none generated
                    *(
                        ("", "", "")
                        if claim_heirs
                        else (name, BANKS[n % len(BANKS)], encrypt_str(f"6222{i:015d}"))
                    ),
                    suggested,
                    approved_amount,
                    encrypt_str(json.dumps([r.as_dict() for r in results], ensure_ascii=False)),
                    agent.pk,
                    created,
                    "",  # diagnosis (住院医疗 only; the bench files none)
                    "{}",  # medical_computation
                )
            )
            active = status not in ("rejected",)
            for plan_pk, shares, amount in suggested_lines:
                lines.append((claim_pk, member_pk, plan_pk, event, shares, amount, active, 0))
            if submitted:
                slots = [
                    s for s in (ILLNESS_SLOTS if kind == Claim.Kind.ILLNESS else ACCIDENT_SLOTS) if s.required
                ]
                if injury == "disability":
                    slots += [s for s in ACCIDENT_SLOTS if s.code == "disability_assessment"]
                if claim_heirs:  # the three proofs a claim paid to heirs needs before 上报
                    slots += list(HEIR_SLOTS)
                materials += self.material_rows(case_pk, slots, agent.pk, created)
            if status == "closed" and claim_heirs:
                parts = split_amount(approved_amount, [share for _pk, share in claim_heirs])
                for (heir_pk, _share), part in zip(claim_heirs, parts, strict=True):
                    heir_lines.append((claim_pk, heir_pk, part))
                    reference = f"PAY{claim_pk:010d}-{heir_pk}"
                    payouts.append(
                        (
                            claim_pk,
                            heir_pk,
                            part,
                            timezone.localdate(decided),
                            reference,
                            self.finance.pk,
                            decided,
                        )
                    )
            elif status == "closed":
                payouts.append(
                    (
                        claim_pk,
                        None,
                        approved_amount,
                        timezone.localdate(decided),
                        f"PAY{claim_pk:010d}",
                        self.finance.pk,
                        decided,
                    )
                )
        self.write_cases(cases, transitions, materials)
        self.w.write(
            Claim,
            [
                "id",
                "unit_id",
                "case_id",
                "member_id",
                "kind",
                "plan_choice",
                "event_date",
                "disease_ref",
                "hospital",
                "accident_description",
                "injury",
                "disability_grade",
                "member_deceased",
                "payee_name",
                "payee_bank",
                "payee_account",
                "suggested_amount",
                "approved_amount",
                "eligibility",
                "created_by_id",
                "created_at",
                "diagnosis",
                "medical_computation",
            ],
            claims,
        )
        self.w.write(
            ClaimLine,
            [
                "claim_id",
                "member_id",
                "plan_id",
                "event_date",
                "shares",
                "suggested_amount",
                "is_active",
                "deductible_applied",
            ],
            lines,
        )
        self.w.write(
            ClaimHeir,
            [
                "id",
                "claim_id",
                "seq",
                "name",
                "relation",
                "relation_note",
                "id_number",
                "bank_name",
                "bank_account",
                "share",
            ],
            heirs,
        )
        self.write_heir_batch(heir_lines)
        self.w.write(
            Payout,
            ["claim_id", "heir_id", "amount", "paid_on", "bank_reference", "recorded_by_id", "recorded_at"],
            payouts,
        )
        self.step(f"{count} claims ({len(heirs)} heirs)", started)

    def write_heir_batch(self, heir_lines) -> None:
        """The paid heirs went through one settled 给付批次 (made by finance, checked by the second clerk):
        a line per heir, paid."""
        if not heir_lines:
            return
        batch_pk = next(self.w.ids(PayoutBatch))
        made = self.at(self.today - datetime.timedelta(days=3), 9)
        self.w.write(
            PayoutBatch,
            ["id", "number", "template_id", "state", "made_by_id", "made_at", "checked_by_id", "checked_at",
             "settled_at"],
            [(batch_pk, f"GF{self.today:%Y%m%d}9001", BankFileTemplate.objects.order_by("pk").first().pk,
              PayoutBatch.State.SETTLED, self.finance.pk, made, self.finance_checker.pk, made, made)],
        )  # fmt: skip
        self.w.write(
            PayoutBatchLine,
            ["batch_id", "claim_id", "heir_id", "seq", "amount", "is_open", "result", "failure_reason"],
            [
                (batch_pk, claim_pk, heir_pk, seq, amount, False, PayoutBatchLine.Result.PAID, "")
                for seq, (claim_pk, heir_pk, amount) in enumerate(heir_lines, start=1)
            ],
        )

    @staticmethod
    def _claim_status(fraction: float):
        """The status band FRACTION (0…1) of the claims falls in (CLAIM_STATUSES' shares, in order)."""
        total = 0.0
        for status, actor, share in CLAIM_STATUSES:
            total += share
            if fraction < total or status == CLAIM_STATUSES[-1][0]:
                yield status, actor, share

    # --- all of it ---------------------------------------------------------------------------------------

    def run(self) -> dict:
        started = time.perf_counter()
        self.log(f"generating the city at scale {self.scale.name} on {self.w.vendor}")
        with transaction.atomic():
            self.load_reference()
            self.build_units()
            self.write_units()
            with without_indexes([Member, RosterEntry, Coverage]):
                self.write_members()
                self.write_periods()
                self.write_rosters_and_coverages()
                rebuild = time.perf_counter()
            self.step("indexes and constraints of members, rosters, coverages rebuilt", rebuild)
            self.write_queue()
            self.write_claims()
            self.w.reset_sequences()
        analyze = time.perf_counter()
        self.w.analyze()
        self.step("VACUUM ANALYZE" if self.w.vendor == "postgresql" else "ANALYZE", analyze)
        total = time.perf_counter() - started
        self.log(f"city generated in {total:.1f} s")
        return {
            "scale": self.scale.name,
            "vendor": self.w.vendor,
            "seconds": round(total, 1),
            "rows": dict(self.w.counts),
            "steps": {k: round(v, 1) for k, v in self.timings.items()},
            "queue": self.queue_counts,
        }


UNIT_ROAD = (
    "香港中路",
    "延安三路",
    "辽宁路",
    "重庆南路",
    "黑龙江中路",
    "长江中路",
    "正阳路",
    "烟台路",
    "福州路",
)
