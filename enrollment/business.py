"""参保申请 as seen by the review engine: district → city, then 收款确认 makes the coverage effective."""

from django.urls import reverse
from django.utils import timezone

from core.errors import Incomplete
from enrollment.import_states import LIVE
from enrollment.models import SUPPLEMENT_MATERIAL_SLOTS, Application
from enrollment.selectors import application_get_for, application_summary, main_renewal
from review.models import BusinessKind, Status
from review.registry import BusinessType


class Enrollment(BusinessType):
    kind = BusinessKind.ENROLLMENT
    material_slots = SUPPLEMENT_MATERIAL_SLOTS
    detail_template = "enrollment/_application_review.html"
    agent_list_url = "enrollment:list"
    submitted_message = "参保申请已上报，当前状态：{status}"
    deleted_message = "参保申请已删除"

    def agent_case_for(self, actor, pk, action):
        return application_get_for(actor, pk).case

    def application_of(self, case) -> Application:
        return Application.objects.select_related("unit__parent_org", "unit__agent").get(case=case)

    def missing_materials(self, case) -> list[str]:
        if not self.application_of(case).is_supplementary:
            return []
        return super().missing_materials(case)

    def check_submittable(self, case) -> None:
        from enrollment.services import roster_imports_expire

        application = self.application_of(case)
        roster_imports_expire(application=application)  # a dead import does not block 上报
        if application.imports.filter(status__in=LIVE).exists():
            raise Incomplete("名单还在导入中，请等待导入完成后再上报")
        if application.roster_count == 0:
            raise Incomplete("请先导入参保职工名单后再上报")
        if application.kind == Application.Kind.MAIN:
            today = timezone.localdate()
            renewal = main_renewal(application.unit, today)
            if renewal is not None and not renewal.may_submit_on(today):
                raise Incomplete(
                    f"主保期参保只能在保期到期当月上报：本单位当前保期至{renewal.current_end:%Y-%m-%d}，"
                    f"请于{renewal.submit_month}上报；如需提前续保，请使用【补充参保申请】"
                )
        super().check_submittable(case)

    def on_approved(self, case, actor) -> None:
        from enrollment.hooks import application_approved
        from enrollment.services import refreeze_fees

        application = self.application_of(case)
        refreeze_fees(application=application, on=timezone.localdate())
        application_approved.publish(application=application, actor=actor)

    def on_settled(self, case, actor) -> None:
        from enrollment.services import coverage_create_for

        coverage_create_for(application=self.application_of(case))

    def detail_context(self, case) -> dict:
        return application_summary(self.application_of(case))

    def agent_url(self, case) -> str:
        return reverse("enrollment:detail", args=[self.application_of(case).pk])

    SHORT_KIND = {
        Application.Kind.MAIN: "主保期参保申请",
        Application.Kind.RENEWAL: "提前续保申请",
        Application.Kind.SUPPLEMENT: "追加参保申请",
    }

    def subject(self, case) -> str:
        a = self.application_of(case)
        period = f"保期{a.period_start:%Y-%m-%d}至{a.period_end:%Y-%m-%d}"
        return f"您为{a.unit.name}办理的{self.SHORT_KIND[a.kind]}（{period}）"

    def approved_next(self, case) -> str:
        notice = getattr(self.application_of(case), "payment_notice", None)
        if notice is None:
            return "请下载缴费通知单缴费。"
        return f"请下载缴费通知单，于{notice.due_date:%Y-%m-%d}前缴费{notice.amount:,.2f}元。"

    def settled_text(self, case) -> str:
        a = self.application_of(case)
        return f"已确认收款，保期生效，名单中的{a.roster_count}名职工自{a.period_start:%Y-%m-%d}起享受保障。"

    def message_url(self, case, transition) -> str:
        tab = "?tab=payment" if transition.to_status == Status.APPROVED else ""
        return self.agent_url(case) + tab
