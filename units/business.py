from django.urls import reverse
from django.utils import timezone

from core.errors import Incomplete
from review.models import BusinessKind
from review.registry import BusinessType, MaterialSlot
from units.models import Unit


class UnitRegistration(BusinessType):
    """单位注册 (manual §1.1.1): district → city, 市直 units city only."""

    kind = BusinessKind.UNIT_REGISTRATION
    material_slots = (
        MaterialSlot("approval_doc", "批复文件"),
        MaterialSlot("legal_cert", "法人资格证书"),
    )
    detail_template = "units/_unit_tabs.html"

    def unit_of(self, case) -> Unit:
        return Unit.objects.select_related("parent_org", "agent").get(pk=case.unit_id)

    def check_submittable(self, case) -> None:
        unit = self.unit_of(case)
        if unit.merge_history != Unit.MergeHistory.NONE and not unit.merged_from.exists():
            raise Incomplete(f"请在基本信息中填写由哪些单位{unit.get_merge_history_display()}")
        super().check_submittable(case)

    def on_approved(self, case, actor) -> None:
        Unit.objects.filter(pk=case.unit_id).update(approved_at=timezone.now())

    def on_deleted(self, case, actor) -> None:
        Unit.objects.filter(pk=case.unit_id).update(deleted_at=timezone.now())

    def detail_context(self, case) -> dict:
        unit = self.unit_of(case)
        return {"unit": unit, "merged_from": list(unit.merged_from.all())}

    def agent_url(self, case) -> str:
        return reverse("units:detail", args=[case.unit_id])
