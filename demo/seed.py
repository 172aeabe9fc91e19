"""Demo data for `make run` and `make dev` (python manage.py seed_demo). Idempotent: running it twice
changes nothing.

Accounts (password Demo@2026): agents 13800000001 张三 (one approved unit) and 13800000002 李四 (none);
district reviewer shinan (市南区); city reviewer city; finance finance (制单) and finance2 (复核: the
second person of a payout batch); administrator admin; auditor auditor.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from claims.bank_templates import ensure_bank_templates
from core.samples import demo_credit_code, demo_id, tiny_pdf
from orgs.models import OrgNode
from orgs.reference import ensure_org_tree
from plans.reference import ensure_plans
from review.engine import case_transition
from review.models import Action
from review.reference import ensure_workflows
from review.services import material_upload
from units.models import Unit
from units.services import unit_register

DEMO_PASSWORD = "Demo@2026"
DEMO_UNIT_NAME = "青岛海川机械有限公司"


def _user(username, *, role, real_name, org=None, mobile=None, id_number=None, superuser=False):
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        role=role,
        real_name=real_name,
        org=org,
        mobile=mobile,
        id_number=id_number,
        is_staff=superuser,
        is_superuser=superuser,
        realname_verified_at=timezone.now() if role == User.Role.AGENT else None,
    )
    # Set directly, not through the password policy (Demo@2026 is 9 characters); the password-change date
    # is today, so demo staff are not sent to 修改密码 at their first login (the expiry still applies).
    user.set_password(DEMO_PASSWORD)
    user.password_changed_at = timezone.now()
    user.save()
    return user


DEMO_MEMBERS = [
    # name, birth (YYYYMMDD), female?
    ("李梅", "19850312", True),
    ("王芳", "19900508", True),
    ("赵强", "19780921", False),
    ("孙丽", "19881130", True),
    ("周杰", "19950217", False),
    ("吴敏", "19820704", True),
    ("郑伟", "19750615", False),
    ("冯雪", "19930826", True),
    ("陈刚", "19650109", False),
    ("刘洋", "19981203", False),
    ("杨静", "19870419", True),
    ("黄磊", "19620728", False),
]


def demo_member_rows() -> list[tuple]:
    rows = []
    for index, (name, birth, female) in enumerate(DEMO_MEMBERS):
        sequence = 100 + index * 2 + (0 if female else 1)
        id_number = demo_id(f"370202{birth}{sequence:03d}")
        shares = {"ZJ": 1, "YW": 2, **({"NG": 1} if female else {}), "YL": 1}  # YL: 住院医疗 can be tried
        rows.append((name, id_number, f"1390000{index:04d}", shares))
    return rows


def seed_demo_period(*, unit, agent, reviewers, finance) -> None:
    """The demo unit's paid main period: it started 11 months ago and ends this month, so members are
    covered (claims can be tried) and this month is the one in which the next 主保期参保 may be 上报."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from billing.services import payment_confirm
    from enrollment.documents import roster_template_xlsx
    from enrollment.periods import add_months
    from enrollment.services import application_create, plan_columns, roster_upload
    from plans.models import Plan

    today = timezone.localdate()
    start = add_months(today.replace(day=1), -11)
    plans = {
        Plan.objects.get(code=code): shares for code, shares in (("ZJ", 1), ("NG", 1), ("YW", 2), ("YL", 1))
    }
    application = application_create(actor=agent, unit=unit, kind="main", plans=plans, period_start=start)
    content = roster_template_xlsx(
        application=application, plans=plan_columns(application), rows=demo_member_rows()
    )
    upload = SimpleUploadedFile("demo-roster.xlsx", content)
    roster_upload(actor=agent, application=application, upload=upload)
    case_transition(case=application.case, action=Action.SUBMIT, actor=agent)
    for reviewer in reviewers:
        case_transition(case=application.case, action=Action.APPROVE, actor=reviewer)
    application.refresh_from_db()
    notice = application.payment_notice
    payment_confirm(
        actor=finance, notice=notice, amount=notice.amount, paid_on=today, bank_reference="DEMO0001"
    )


@transaction.atomic
def seed_demo() -> dict:
    ensure_org_tree()
    ensure_workflows()
    ensure_plans()
    ensure_bank_templates()  # 代发文件模板 (migrations load them; a flushed database has none)
    shinan_org = OrgNode.objects.get(name="市南区", kind=OrgNode.Kind.DISTRICT)
    zhang = _user(
        "13800000001",
        role=User.Role.AGENT,
        real_name="张三",
        mobile="13800000001",
        id_number=demo_id("37020219850315001"),
    )
    _user(
        "13800000002",
        role=User.Role.AGENT,
        real_name="李四",
        mobile="13800000002",
        id_number=demo_id("37020319900722002"),
    )
    shinan = _user("shinan", role=User.Role.DISTRICT_REVIEWER, real_name="市南区审核员", org=shinan_org)
    city = _user("city", role=User.Role.CITY_REVIEWER, real_name="市总审核员")
    finance_user = _user("finance", role=User.Role.FINANCE, real_name="财务")
    _user("finance2", role=User.Role.FINANCE, real_name="财务复核")  # 给付批次: maker ≠ checker
    _user("admin", role=User.Role.ADMIN, real_name="系统管理员", superuser=True)
    _user("auditor", role=User.Role.AUDITOR, real_name="审计员")

    if not Unit.objects.filter(name=DEMO_UNIT_NAME).exists():
        unit = unit_register(
            actor=zhang,
            name=DEMO_UNIT_NAME,
            credit_code=demo_credit_code("91370202MA3C8K7X1"),
            parent_org=shinan_org,
            nature=Unit.Nature.ENTERPRISE,
            address="青岛市市南区香港中路100号",
            contact_phone="0532-80000001",
            employee_count=120,
            union_name="青岛海川机械有限公司工会",
            merge_history=Unit.MergeHistory.NONE,
        )
        case = unit.registration_case
        for slot, name in (("approval_doc", "pifu.pdf"), ("legal_cert", "faren.pdf")):
            material_upload(case=case, slot=slot, upload=ContentFile(tiny_pdf(name), name=name), actor=zhang)
        case_transition(case=case, action=Action.SUBMIT, actor=zhang)
        case_transition(case=case, action=Action.APPROVE, actor=shinan, reason="材料齐全")
        case_transition(case=case, action=Action.APPROVE, actor=city, reason="同意注册")
        seed_demo_period(
            unit=Unit.objects.get(pk=unit.pk), agent=zhang, reviewers=(shinan, city), finance=finance_user
        )
    return {"users": User.objects.count(), "units": Unit.objects.count()}
