from django.conf import settings
from django.db import models

from core.storage import private_storage  # encrypted at rest
from core.uploads import PrivateUploadTo
from review.registry import MaterialSlot


class Member(models.Model):
    """会员 — a person (by ID number) who may be covered by several units over the years."""

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    id_number = models.CharField("身份证号", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50, db_index=True)  # 会员查询 by 姓名
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    mobile = models.CharField("手机号", max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "会员"

    def __str__(self):
        return self.name


class Application(models.Model):
    """参保申请 — one unit, one coverage period (保期), the plans and 份, and a roster (参保职工名单)."""

    class Kind(models.TextChoices):
        MAIN = "main", "主保期参保"
        RENEWAL = "renewal", "补充参保申请（提前续保）"
        SUPPLEMENT = "supplement", "补充参保申请（追加）"

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="applications", verbose_name="单位"
    )
    case = models.OneToOneField("review.Case", on_delete=models.PROTECT, related_name="application")
    kind = models.CharField("申请类型", max_length=20, choices=Kind.choices)
    period_start = models.DateField("保期开始")
    period_end = models.DateField("保期结束")
    months = models.PositiveSmallIntegerField("计费月数", default=12)
    note = models.CharField("备注", max_length=200, blank=True)
    roster_count = models.PositiveIntegerField("名单人数", default=0)
    over60_count = models.PositiveIntegerField("60周岁以上人数", default=0)
    total_amount = models.DecimalField("应缴金额（元）", max_digits=14, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "参保申请"
        ordering = ["-id"]
        indexes = [models.Index(fields=["unit", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="application_period_order"
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.get_kind_display()} {self.period_start}–{self.period_end}"

    @property
    def is_supplementary(self) -> bool:
        return self.kind in (self.Kind.RENEWAL, self.Kind.SUPPLEMENT)


class ApplicationPlan(models.Model):
    """参保计划 — one plan of an application: 份 for the whole unit, the fee per 份 and the line amount."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="plan_lines")
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="+")
    shares = models.PositiveSmallIntegerField("份数")
    fee_per_share = models.DecimalField("每份年缴费（元）", max_digits=10, decimal_places=2)
    fee_per_member = models.DecimalField("每人应缴（元）", max_digits=12, decimal_places=2, default=0)
    member_count = models.PositiveIntegerField("参保人数", default=0)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "参保计划"
        ordering = ["plan__position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "plan"], name="applicationplan_unique_plan")
        ]

    def __str__(self):
        return f"{self.plan} × {self.shares}份"


class RosterEntry(models.Model):
    """参保职工名单 — one member on an application, with the 份 per plan code ({"ZJ": 1, "YW": 2})."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="roster")
    row_number = models.PositiveIntegerField("行号")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18)
    mobile = models.CharField("手机号", max_length=20, blank=True)
    sex = models.CharField("性别", max_length=1, choices=Member.Sex.choices)
    birth_date = models.DateField("出生日期")
    shares = models.JSONField("份数", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "参保职工名单"
        ordering = ["application", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "id_number"], name="rosterentry_unique_member"),
        ]
        # The import's overlap check looks members up by ID number across all open applications.
        indexes = [
            models.Index(fields=["id_number"], name="rosterentry_id_number_idx"),
            # The roster's pages (ordered by row number) stay fast on 100,000 rows.
            models.Index(fields=["application", "row_number"], name="rosterentry_app_row_idx"),
        ]

    def __str__(self):
        return f"{self.name} {self.id_number}"


class RosterImport(models.Model):
    """名单导入 — the state of one import lives here, so a worker that dies leaves a clear trace.

    The roster itself is replaced in a single transaction at the end: either the whole new roster or
    nothing. An import still 'running' whose heartbeat is old was interrupted and can be retried.
    Its status moves only through enrollment.import_states (a table of allowed moves).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "导入中"
        SUCCEEDED = "succeeded", "导入成功"
        REJECTED = "rejected", "有错误，未导入"
        FAILED = "failed", "导入失败"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="imports")
    # The rows come from an uploaded file, or (沿用上一保期名单) from the roster of an earlier application.
    file = models.FileField(
        upload_to=PrivateUploadTo("rosters"), storage=private_storage, max_length=200, blank=True
    )
    source = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="沿用的名单",
        help_text="沿用上一保期名单：名单取自这份申请（没有上传文件）",
    )
    original_name = models.CharField(max_length=200)
    only_valid_rows = models.BooleanField("只导入正确的行", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[[row, column, message], …]")
    over60_count = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    # A failure that retrying the same file may cure (interrupted, our own error) → 【重新导入】;
    # otherwise (the file itself) the person is offered 【上传新文件】.
    retryable = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "名单导入"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.application_id} {self.original_name} {self.status}"

    @property
    def percent(self) -> int:
        if self.status in (self.Status.SUCCEEDED, self.Status.REJECTED):
            return 100
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0


class Coverage(models.Model):
    """保障 — a member covered by a plan for a period through a unit: exists once the fee is received."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="coverages")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="coverages")
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="coverages")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="coverages")
    shares = models.PositiveSmallIntegerField("份数")
    start = models.DateField("保障开始")
    end = models.DateField("保障结束")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "保障记录"
        ordering = ["member", "plan", "start"]
        indexes = [
            models.Index(fields=["member", "plan", "start"]),
            models.Index(fields=["unit", "plan", "end"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member", "plan"], name="coverage_unique_per_application"
            )
        ]

    def __str__(self):
        return f"{self.member} {self.plan.code} {self.start}–{self.end}"


SUPPLEMENT_MATERIAL_SLOTS = (
    MaterialSlot("application_letter", "补充参保申请说明", required=True),
    MaterialSlot("other", "其他材料", required=False),
)
