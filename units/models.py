from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


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
                fields=["credit_code"], condition=models.Q(deleted_at__isnull=True), name="unit_unique_active_credit"
            ),
        ]
        indexes = [models.Index(fields=["agent", "deleted_at"])]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


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
