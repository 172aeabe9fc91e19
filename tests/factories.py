"""Factories for test data: each method builds one realistic object through the real services."""

import itertools

from django.core.files.base import ContentFile

from accounts.models import User
from core.samples import demo_credit_code, demo_id, tiny_pdf
from orgs.models import OrgNode
from review.engine import case_transition
from review.models import Action
from review.services import material_upload
from units.models import Unit
from units.services import unit_register

PASSWORD = "Demo@2026"
_seq = itertools.count(1)


class Factory:
    def org(self, name="市南区") -> OrgNode:
        return OrgNode.objects.get(name=name)

    def agent(self, name="张三", **extra) -> User:
        n = next(_seq)
        mobile = extra.pop("mobile", f"139{n:08d}")
        user = User(
            username=mobile,
            mobile=mobile,
            real_name=name,
            id_number=extra.pop("id_number", demo_id(f"370202198{n % 10}0101{n % 1000:03d}")),
            role=User.Role.AGENT,
            **extra,
        )
        user.set_password(PASSWORD)
        user.save()
        return user

    def staff(self, role, *, username=None, org=None) -> User:
        n = next(_seq)
        user = User(username=username or f"staff{n}", role=role, real_name=f"{role}{n}", org=org)
        user.set_password(PASSWORD)
        user.save()
        return user

    def district_reviewer(self, district="市南区", **kw) -> User:
        return self.staff(User.Role.DISTRICT_REVIEWER, org=self.org(district), **kw)

    def city_reviewer(self, **kw) -> User:
        return self.staff(User.Role.CITY_REVIEWER, **kw)

    def finance(self, **kw) -> User:
        return self.staff(User.Role.FINANCE, **kw)

    def unit(self, agent=None, *, org="市南区", name=None, materials=True, **fields) -> Unit:
        """A draft unit (with both materials unless materials=False)."""
        n = next(_seq)
        agent = agent or self.agent()
        data = {
            "name": name or f"测试单位{n}有限公司",
            "credit_code": demo_credit_code(f"91370202MA{n:07d}"),
            "parent_org": self.org(org),
            "nature": Unit.Nature.ENTERPRISE,
            "address": "青岛市市南区测试路1号",
            "contact_phone": "0532-88888888",
            "employee_count": 50,
            "union_name": "测试单位工会",
            "merge_history": Unit.MergeHistory.NONE,
        }
        data.update(fields)
        unit = unit_register(actor=agent, **data)
        if materials:
            for slot in ("approval_doc", "legal_cert"):
                upload = ContentFile(tiny_pdf(slot), name=f"{slot}.pdf")
                material_upload(case=unit.registration_case, slot=slot, upload=upload, actor=agent)
        return unit

    def submitted_unit(self, **kw) -> Unit:
        unit = self.unit(**kw)
        case_transition(case=unit.registration_case, action=Action.SUBMIT, actor=unit.agent)
        unit.refresh_from_db()
        return unit

    def approved_unit(self, **kw) -> Unit:
        unit = self.submitted_unit(**kw)
        case = unit.registration_case
        if not unit.parent_org.is_city_direct:
            reviewer = self.district_reviewer(unit.parent_org.name)
            case_transition(case=case, action=Action.APPROVE, actor=reviewer)
        case_transition(case=case, action=Action.APPROVE, actor=self.city_reviewer())
        unit.refresh_from_db()
        return unit

    # --- enrollment: applications, rosters (xlsx built with XlsxWriter), the whole paid flow ---------

    @staticmethod
    def person_id(birth, seq: int, *, region: str = "370202") -> str:
        """A valid ID number: region + YYYYMMDD + 3-digit sequence (odd male, even female) + check."""
        from core.validators import id_check_digit

        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_digit(first17)

    def people(self, count: int, *, shares=None, birth=None, female=False, first: int = 0) -> list[list]:
        """COUNT roster rows [序号, 姓名, 身份证号, 手机号, 份…] with distinct valid IDs (500 per birth day).

        SHARES is the list of 份 cells after 手机号 (default: one plan, 1份); FIRST offsets the people so
        two calls can make different or the same persons.
        """
        import datetime

        shares = [1] if shares is None else list(shares)
        birth = birth or datetime.date(1985, 1, 1)
        rows = []
        for index in range(first, first + count):
            day = birth + datetime.timedelta(days=index // 500)
            seq = (index % 500) * 2 + (0 if female else 1)
            rows.append([index + 1, f"职工{index + 1}", self.person_id(day, seq), "", *shares])
        return rows

    @staticmethod
    def roster_header(codes=("ZJ",)) -> list[str]:
        from plans.reference import PLANS

        names = {p["code"]: p["name"] for p in PLANS}
        return ["序号", "姓名", "身份证号", "手机号", *(f"{names[c]}(份)" for c in codes)]

    @classmethod
    def roster_xlsx(cls, rows, *, codes=("ZJ",), header=None, constant_memory=False) -> bytes:
        """An xlsx roster: strings are written as text, ints/floats as numbers, None left blank."""
        import io

        import xlsxwriter

        buffer = io.BytesIO()
        options = {"constant_memory": True} if constant_memory else {"in_memory": True}
        book = xlsxwriter.Workbook(buffer, options)
        sheet = book.add_worksheet("参保职工名单")
        sheet.write_row(0, 0, cls.roster_header(codes) if header is None else header)
        for index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(index, col, value)
                else:
                    sheet.write_number(index, col, value)
        book.close()
        return buffer.getvalue()

    @staticmethod
    def upload(content: bytes, name: str = "名单.xlsx"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile(name, content)

    def application(
        self, unit=None, *, kind="main", plans=None, period_start=None, period_end=None, rows=None
    ):
        """A 草稿 参保申请 through application_create (plans by code: {"ZJ": 1}); ROWS imports a roster."""
        import datetime

        from django.utils import timezone

        from enrollment.services import application_create
        from plans.models import Plan

        unit = unit or self.approved_unit()
        plans = plans or {"ZJ": 1}
        by_code = {p.code: p for p in Plan.objects.filter(code__in=plans)}
        if kind == "main" and period_start is None:
            today = timezone.localdate()
            period_start = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        application = application_create(
            actor=unit.agent,
            unit=unit,
            kind=kind,
            plans={by_code[code]: shares for code, shares in plans.items()},
            period_start=period_start,
            period_end=period_end,
        )
        if rows is not None:
            job = self.import_roster(application, rows)
            assert job.status == "succeeded", (job.message, job.errors)
            application.refresh_from_db()
        return application

    def import_roster(self, application, rows, *, only_valid_rows=False, name="名单.xlsx"):
        """【导入参保职工名单】 as the view does it (roster_upload): ROWS are cells or the file's bytes."""
        from enrollment.services import plan_columns, roster_upload

        if not isinstance(rows, bytes):
            rows = self.roster_xlsx(rows, codes=[p.code for p in plan_columns(application)])
        return roster_upload(
            actor=application.unit.agent,
            application=application,
            upload=self.upload(rows, name),
            only_valid_rows=only_valid_rows,
        )

    def approved_application(self, application=None, **kw):
        """上报, 区县 and 市总 通过 (市直 units skip the district): 审核通过 with a 缴费通知单."""
        if application is None:
            kw.setdefault("rows", self.people(3))
            application = self.application(**kw)
        case = case_transition(case=application.case, action=Action.SUBMIT, actor=application.unit.agent)
        if not application.unit.parent_org.is_city_direct:
            reviewer = self.district_reviewer(application.unit.parent_org.name)
            case = case_transition(case=case, action=Action.APPROVE, actor=reviewer)
        case_transition(case=case, action=Action.APPROVE, actor=self.city_reviewer())
        application.refresh_from_db()
        return application

    def effective_application(self, application=None, **kw):
        """The whole flow up to 收款确认 by finance (from 草稿 or 审核通过): 保期生效, the coverages exist."""
        from django.utils import timezone

        from billing.services import payment_confirm

        if application is None or application.case.status != "approved":
            application = self.approved_application(application, **kw)
        notice = application.payment_notice
        payment_confirm(
            actor=self.finance(),
            notice=notice,
            amount=notice.amount,
            paid_on=timezone.localdate(),
            bank_reference=f"BANK{notice.pk:08d}",
        )
        application.refresh_from_db()
        return application

    # --- claims: members with coverage rows of any dates, claims through claims.services ------------------

    def member(self, name="李梅", *, female=True, birth=None, id_number=None):
        """A 会员 (not covered yet): a valid ID number whose sex digit matches FEMALE."""
        import datetime

        from enrollment.models import Member

        birth = birth or datetime.date(1985, 3, 12)
        if id_number is None:
            n = next(_seq)
            id_number = self.person_id(birth, (n % 499) * 2 + (0 if female else 1), region="370203")
        return Member.objects.create(
            id_number=id_number, name=name, sex="F" if female else "M", birth_date=birth
        )

    def coverage(self, member, unit, plan_code, *, start, end, shares=1):
        """A Coverage row START–END through UNIT, on its own (directly written) 参保申请 for that period."""
        from enrollment.models import Application, Coverage
        from plans.models import Plan
        from review.models import BusinessKind
        from review.services import case_create

        case = case_create(
            kind=BusinessKind.ENROLLMENT, unit=unit, applicant=unit.agent, title=f"{unit.name} {start}"
        )
        application = Application.objects.create(
            unit=unit,
            case=case,
            kind=Application.Kind.MAIN,
            period_start=start,
            period_end=end,
            created_by=unit.agent,
        )
        return Coverage.objects.create(
            member=member,
            unit=unit,
            plan=Plan.objects.get(code=plan_code),
            application=application,
            shares=shares,
            start=start,
            end=end,
        )

    def covered_member(self, unit, *, plans=None, start=None, end=None, female=True, name="李梅"):
        """A member covered through UNIT by PLANS ({"ZJ": 1, "NG": 1}) from START (default: a year ago,
        past every waiting period) to END (default: in a month)."""
        import datetime

        from django.utils import timezone

        today = timezone.localdate()
        start = start or today - datetime.timedelta(days=365)
        end = end or today + datetime.timedelta(days=30)
        plans = plans or ({"ZJ": 1, "NG": 1, "YW": 2} if female else {"ZJ": 1, "YW": 2})
        member = self.member(name, female=female)
        for code, shares in plans.items():
            self.coverage(member, unit, code, start=start, end=end, shares=shares)
        return member

    def claim(self, unit, member, *, actor=None, **fields):
        """【保存】 of a 保障金申请 through claim_create: 原发性乳腺癌 under 女职工特殊疾病 by default, or an
        accident (kind="accident") with 伤残 8级; the event 60 days ago."""
        import datetime

        from django.utils import timezone

        from claims.services import claim_create
        from plans.models import Disease

        kind = fields.pop("kind", "illness")
        data = {
            "event_date": timezone.localdate() - datetime.timedelta(days=60),
            "hospital": "青岛大学附属医院",
            "payee_name": member.name,
            "payee_bank": "中国工商银行青岛分行",
            "payee_account": "6222020000000000001",
        }
        if kind == "illness":
            data["plan_choice"] = "NG"
            data["disease"] = Disease.objects.get(plan__code="NG", name="原发性乳腺癌")
        elif kind == "medical":
            data.update(
                plan_choice="YL",
                discharge_date=data["event_date"] + datetime.timedelta(days=10),
                diagnosis="急性阑尾炎",
                receipts=[self.receipt(issued_on=data["event_date"] + datetime.timedelta(days=10))],
            )
        else:
            data.update(
                plan_choice="YW",
                accident_description="车间搬运时被重物砸伤左腿",
                injury="disability",
                disability_grade=8,
            )
        data.update(fields)
        if (data.get("injury") == "death" or data.get("member_deceased")) and "heirs" not in data:
            data["heirs"] = self.heirs()
        if data.get("injury") == "medical" and "receipts" not in data:
            data["receipts"] = [self.receipt(issued_on=data["event_date"])]
        claim, _results = claim_create(
            actor=actor or unit.agent, kind=kind, id_number=member.id_number, **data
        )
        return claim

    @staticmethod
    def receipt(
        self_pay="3000.00", *, category_b="0.00", fund="5000.00", self_funded="500.00", number=None, **fields
    ):
        """A 医疗收费票据 as typed (claims.medical.Receipt): the parts add up to 总金额; a new 票据号码 each
        time unless NUMBER."""
        import datetime
        from decimal import Decimal

        from claims.medical import Receipt

        parts = {
            "fund_paid": Decimal(fund),
            "category_b_self": Decimal(category_b),
            "self_pay": Decimal(self_pay),
            "self_funded": Decimal(self_funded),
        }
        values = {
            "code": "37020126",
            "number": number or f"{next(_seq):08d}",
            "issued_on": datetime.date.today() - datetime.timedelta(days=30),
            "total": sum(parts.values()),
            **parts,
        }
        values.update(fields)
        return Receipt(**values)

    def claim_at_city(self):
        """A 女职工特殊疾病 claim (1份: 15,000 元) with its materials, 上报'd and passed by the district:
        at the city's step (市总审核中)."""
        unit = self.approved_unit()
        claim = self.claim(unit, self.covered_member(unit))
        self.claim_materials(claim)
        case = case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
        case_transition(case=case, action=Action.APPROVE, actor=self.district_reviewer())
        claim.refresh_from_db()
        return claim

    def approved_claim(self, unit=None, *, name="李梅"):
        """A claim approved by the city at its suggested amount (15,000 元), awaiting 给付 (审核通过)."""
        unit = unit or self.approved_unit()
        claim = self.claim_materials(self.claim(unit, self.covered_member(unit, name=name)))
        case = case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
        if not unit.parent_org.is_city_direct:
            case = case_transition(case=case, action=Action.APPROVE, actor=self.district_reviewer())
        claim.refresh_from_db()
        data = {"approved_amount": str(claim.suggested_amount)}
        case_transition(case=case, action=Action.APPROVE, actor=self.city_reviewer(), data=data)
        claim.refresh_from_db()
        return claim

    def heirs(self, shares=("60", "40")):
        """继承人 rows (claims.heirs.HeirSpec) for a death claim: a spouse, then children, valid IDs."""
        import datetime

        from claims.heirs import HeirSpec

        return [
            HeirSpec(
                name=("王秀英", "赵小明", "赵小红", "赵小刚")[index],
                relation="spouse" if index == 0 else "child",
                id_number=self.person_id(
                    datetime.date(1960 + 20 * bool(index), 1, 1 + index), 21 + 2 * index
                ),
                bank_name="中国建设银行青岛分行",
                bank_account=f"62270000000000{index + 1:05d}",
                share=share,
            )
            for index, share in enumerate(shares)
        ]

    def claim_materials(self, claim, slots=None):
        """Upload a PDF into each required slot of CLAIM (or into SLOTS)."""
        from claims.models import ACCIDENT_SLOTS, ILLNESS_SLOTS, MEDICAL_SLOTS

        if slots is None:
            all_slots = {"illness": ILLNESS_SLOTS, "medical": MEDICAL_SLOTS}.get(claim.kind, ACCIDENT_SLOTS)
            slots = [s.code for s in all_slots if s.required]
            if claim.injury == "medical":
                slots.append("medical_receipts")
            if claim.injury == "disability":
                slots.append("disability_assessment")
            if claim.needs_heirs:  # 死亡证明, 户籍注销证明, 亲属关系证明
                slots += ["death_certificate", "deregistration", "kinship"]
        for slot in slots:
            upload = ContentFile(tiny_pdf(slot), name=f"{slot}.pdf")
            material_upload(case=claim.case, slot=slot, upload=upload, actor=claim.unit.agent)
        return claim
