"""Factories for test data: each method builds one realistic object through the real services."""

import itertools

from django.core.files.base import ContentFile

from accounts.models import User
from core.demo import demo_credit_code, demo_id, tiny_pdf
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
