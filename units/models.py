from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from core.storage import private_storage  # encrypted at rest
from core.uploads import PrivateUploadTo
from review.registry import MaterialSlot


class Unit(models.Model):
    """单位 — an employer registered by its agent (代办员). A unit has exactly one agent.

    The row holds the data in force. Its registration is a review Case; the unit counts as registered
    (审核通过) from approved_at on.
    """

    class Nature(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        INSTITUTION = "institution", "事业"
        GOVERNMENT = "government", "机关"
        SOCIAL = "social", "社会团体"
        OTHER = "other", "其他"

    class MergeHistory(models.TextChoices):
        NONE = "none", "否"
        MERGE = "merge", "合并"
        SPLIT = "split", "拆分"

    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    parent_org = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="units", verbose_name="上级单位"
    )
    nature = models.CharField("单位性质", max_length=20, choices=Nature.choices)
    address = models.CharField("单位地址", max_length=200)
    contact_phone = models.CharField("联系人电话", max_length=20)
    employee_count = models.PositiveIntegerField("职工人数")
    union_name = models.CharField("工会名称", max_length=100)
    merge_history = models.CharField(
        "是否有过单位合并或拆解", max_length=10, choices=MergeHistory.choices, default=MergeHistory.NONE
    )
    merged_from = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="merged_into", verbose_name="由哪些单位合并/拆解"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="units", verbose_name="代办员"
    )
    registration_case = models.OneToOneField(
        "review.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="registered_unit"
    )
    materials_case = models.ForeignKey(
        "review.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the case whose materials are in force: the registration, then the last approved edit",
    )
    approved_at = models.DateTimeField("注册通过时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), condition=models.Q(deleted_at__isnull=True), name="unit_unique_active_name"
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=models.Q(deleted_at__isnull=True),
                name="unit_unique_active_credit",
            ),
        ]
        indexes = [models.Index(fields=["agent", "deleted_at"])]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def open_change(self):
        """The pending 单位信息编辑 (草稿/退回/编辑市总审核中), if any; uses the list prefetch."""
        if hasattr(self, "open_changes"):
            return self.open_changes[0] if self.open_changes else None
        return self.changes.filter(is_open=True).select_related("case__current_step").first()

    @property
    def editing_case(self):
        """The case the agent works on: the registration until approved, then the open change."""
        if not self.is_approved:
            return self.registration_case
        change = self.open_change
        return change.case if change else None

    @property
    def display_case(self):
        """The case whose status the list shows (编辑市总审核中 while an edit is under review)."""
        return self.editing_case or self.registration_case


# Fields of the 基本信息 tab, in screen order (used for forms, audit diffs and comparisons).
BASIC_FIELDS = (
    "name",
    "credit_code",
    "parent_org",
    "nature",
    "address",
    "contact_phone",
    "employee_count",
    "union_name",
    "merge_history",
)


def merge_history_gap(merge_history: str, has_sources: bool) -> str:
    """The label (合并 / 拆分) when a unit or a change says it came from other units but names none, else
    "". One rule, checked at 保存 (units.services) and again at 上报 (units.business)."""
    if merge_history != Unit.MergeHistory.NONE and not has_sources:
        return Unit.MergeHistory(merge_history).label
    return ""


class UnitChange(models.Model):
    """单位信息编辑 — a pending change of an approved unit (manual §1.1.2), reviewed by the city.

    The unit row keeps the approved data in force until the change is approved; then the change is
    applied in one transaction and kept here as the unit's 变更记录 (before/after of every changed field).
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="changes", verbose_name="单位")
    case = models.OneToOneField("review.Case", on_delete=models.PROTECT, related_name="unit_change")
    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    parent_org = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name="上级单位"
    )
    nature = models.CharField("单位性质", max_length=20, choices=Unit.Nature.choices)
    address = models.CharField("单位地址", max_length=200)
    contact_phone = models.CharField("联系人电话", max_length=20)
    employee_count = models.PositiveIntegerField("职工人数")
    union_name = models.CharField("工会名称", max_length=100)
    merge_history = models.CharField(
        "是否有过单位合并或拆解",
        max_length=10,
        choices=Unit.MergeHistory.choices,
        default=Unit.MergeHistory.NONE,
    )
    merged_from = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name="由哪些单位合并/拆解"
    )
    is_open = models.BooleanField(default=True, help_text="true until approved or discarded")
    applied_at = models.DateTimeField("生效时间", null=True, blank=True)
    changed_fields = models.JSONField("变更内容", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位信息变更"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(is_open=True), name="unitchange_one_open_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.unit} 变更"


class UnitBinding(models.Model):
    """单位绑定 — a request by a new agent to take over a unit (manual §1.2), reviewed by the city.

    On approval the unit's agent is swapped in one transaction; the previous agent loses access at once.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="bindings", verbose_name="单位")
    case = models.OneToOneField("review.Case", on_delete=models.PROTECT, related_name="unit_binding")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="binding_requests",
        verbose_name="新代办员",
    )
    previous_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="原代办员"
    )
    reason = models.CharField("变更原因", max_length=500)
    is_open = models.BooleanField(default=True, help_text="true until approved or discarded")
    applied_at = models.DateTimeField("绑定生效时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位绑定申请"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(is_open=True), name="unitbinding_one_open_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.unit} 绑定 {self.requester}"


class InvoiceInfo(models.Model):
    """开票信息 — how finance invoices a unit (manual §1.3). One record per unit (database constraint)."""

    class Mode(models.TextChoices):
        SINGLE = "single", "开一个户头"
        MULTIPLE = "multiple", "开多个户头"

    class InvoiceType(models.TextChoices):
        NORMAL = "normal", "增值税普通发票"
        SPECIAL = "special", "增值税专用发票"

    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="invoice_info", verbose_name="单位"
    )
    mode = models.CharField("开票方式", max_length=10, choices=Mode.choices, default=Mode.SINGLE)
    invoice_type = models.CharField("发票类型", max_length=10, choices=InvoiceType.choices, blank=True)
    title = models.CharField("发票抬头", max_length=100, blank=True)
    taxpayer_id = models.CharField("纳税人识别号", max_length=18, blank=True)
    address_phone = models.CharField("注册地址及电话", max_length=200, blank=True)
    bank_account = models.CharField("开户行及账号", max_length=200, blank=True)
    email = models.EmailField("接收邮箱", blank=True)
    attachment = models.FileField(
        "开票说明附件",
        upload_to=PrivateUploadTo("invoices"),
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=50, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "开票信息"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mode="single", invoice_type="special", bank_account=""),
                name="invoice_special_needs_bank_account",
            ),
        ]

    def __str__(self):
        return f"{self.unit} 开票信息"


# The materials of 单位注册 and 单位信息编辑 (manual §1.1.1: 批复文件, then 法人资格证书).
UNIT_MATERIAL_SLOTS = (
    MaterialSlot("approval_doc", "批复文件"),
    MaterialSlot("legal_cert", "法人资格证书"),
)
BINDING_MATERIAL_SLOTS = (MaterialSlot("binding_form", "代办员变更申请表（盖章）"),)
