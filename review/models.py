"""The one review engine: every business an agent submits is a Case that moves through a Workflow.

Statuses carry the manual's words; allowed transitions are the table in review/engine.py; review chains
(which roles act, in which order, for which business) are rows of Workflow/WorkflowStep, as in Wagtail.
Only review.engine assigns Case.status.
"""

from django.conf import settings
from django.db import models

from core.storage import private_storage  # encrypted at rest
from core.uploads import PrivateUploadTo


class BusinessKind(models.TextChoices):
    UNIT_REGISTRATION = "unit_registration", "单位注册"
    UNIT_CHANGE = "unit_change", "单位信息编辑"
    UNIT_BINDING = "unit_binding", "单位绑定"
    ENROLLMENT = "enrollment", "参保申请"
    CLAIM = "claim", "保障金申请"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "退回"
    NEEDS_MATERIALS = "needs_materials", "材料待补充"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "不予给付"
    EFFECTIVE = "effective", "保期生效"
    CLOSED = "closed", "已结案"
    VOIDED = "voided", "已作废"
    DELETED = "deleted", "已删除"


# How each status is shown ({% status_badge case %}, Bootstrap badge classes); registered in ReviewConfig.
STATUS_BADGES = {
    Status.DRAFT: "text-bg-secondary",
    Status.IN_REVIEW: "text-bg-primary",
    Status.RETURNED: "text-bg-danger",
    Status.NEEDS_MATERIALS: "text-bg-warning",
    Status.APPROVED: "text-bg-success",
    Status.REJECTED: "text-bg-dark",
    Status.EFFECTIVE: "text-bg-success",
    Status.CLOSED: "text-bg-info",
    Status.VOIDED: "text-bg-dark",
    Status.DELETED: "text-bg-light border",
}


class Action(models.TextChoices):
    SUBMIT = "submit", "上报"
    APPROVE = "approve", "通过"
    RETURN = "return", "退回"
    REJECT = "reject", "不予给付"
    DELETE = "delete", "删除"
    CONFIRM_PAYMENT = "confirm_payment", "收款确认"
    RECORD_PAYOUT = "record_payout", "给付"
    VOID = "void", "作废"


class StepActor(models.TextChoices):
    DISTRICT = "district", "区县审核员"
    CITY = "city", "市总审核员"


class Workflow(models.Model):
    """审核流程 — the review chain of one business type (data, editable by the administrator)."""

    kind = models.CharField("业务类型", max_length=30, choices=BusinessKind.choices, unique=True)
    return_status = models.CharField(
        "退回后状态",
        max_length=20,
        choices=[
            (Status.RETURNED, Status.RETURNED.label),
            (Status.NEEDS_MATERIALS, Status.NEEDS_MATERIALS.label),
        ],
        default=Status.RETURNED,
    )
    allows_reject = models.BooleanField("可不予给付", default=False)
    settlement_action = models.CharField(
        "通过后的财务操作",
        max_length=20,
        blank=True,
        choices=[(Action.CONFIRM_PAYMENT, Action.CONFIRM_PAYMENT.label), (Action.RECORD_PAYOUT, "给付结案")],
    )

    class Meta:
        verbose_name = verbose_name_plural = "审核流程"

    def __str__(self):
        return self.get_kind_display()


class WorkflowStep(models.Model):
    """审核环节 — one step of a chain. District steps are skipped for 市直 units."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField("顺序")
    actor = models.CharField("审核角色", max_length=20, choices=StepActor.choices)
    name = models.CharField("环节名称", max_length=30, help_text="例如：区县审核")
    status_label = models.CharField("审核中状态名称", max_length=30, help_text="例如：区县审核中")

    class Meta:
        verbose_name = verbose_name_plural = "审核环节"
        ordering = ["workflow", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "position"], name="workflowstep_unique_position")
        ]

    def __str__(self):
        return f"{self.workflow} · {self.position}. {self.name}"


class Case(models.Model):
    """业务 — one submitted business (a unit registration, an edit, a binding, an application, a claim)."""

    kind = models.CharField("业务类型", max_length=30, choices=BusinessKind.choices)
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name="单位"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applied_cases",
        verbose_name="申请人",
    )
    org = models.ForeignKey(
        "orgs.OrgNode",
        null=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="上级单位",
        help_text="routing: the unit's 上级单位 when last submitted",
    )
    title = models.CharField("业务名称", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    current_step = models.ForeignKey(
        WorkflowStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="当前环节",
    )
    last_return_reason = models.TextField("退回原因", blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "业务"
        indexes = [
            models.Index(fields=["status", "current_step", "submitted_at"]),
            models.Index(fields=["unit", "kind"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"

    @property
    def status_label(self) -> str:
        """The word on the screen: 区县审核中 / 市总审核中 / 编辑市总审核中 while in review."""
        if self.status == Status.IN_REVIEW and self.current_step is not None:
            return self.current_step.status_label
        return self.get_status_display()

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED, Status.NEEDS_MATERIALS)

    @property
    def agent_id(self):
        """The agent who may edit and 上报: the requester for a binding, the unit's agent otherwise."""
        return self.applicant_id if self.kind == BusinessKind.UNIT_BINDING else self.unit.agent_id


class Transition(models.Model):
    """审核明细 — one row of a case's timeline: who (and in which role), when, what, from → to, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("操作人", max_length=100)
    actor_role = models.CharField("角色", max_length=30)
    at = models.DateTimeField("时间", db_index=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    step_name = models.CharField("环节", max_length=30, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    from_label = models.CharField("原状态", max_length=30)
    to_label = models.CharField("新状态", max_length=30)
    reason = models.TextField("意见/原因", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核明细"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()}：{self.from_label} → {self.to_label}"


class Material(models.Model):
    """材料 — a file attached to a case in a typed slot (批复文件, 病理报告 …). Removal is a soft delete."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials")
    slot = models.CharField("材料类型", max_length=40)
    file = models.FileField(upload_to=PrivateUploadTo("materials"), storage=private_storage, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "材料"
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["case", "slot"])]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
