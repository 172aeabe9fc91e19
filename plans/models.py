import datetime

from django.db import models


class Plan(models.Model):
    """保障计划 — a protection plan, maintained by the administrator (fees live in PlanRate)."""

    class Sex(models.TextChoices):
        ANY = "any", "不限"
        FEMALE = "female", "仅限女性"

    code = models.CharField("代码", max_length=10, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    max_shares = models.PositiveSmallIntegerField("每人最多份数", default=1)
    min_age = models.PositiveSmallIntegerField("最低年龄", default=16)
    sex = models.CharField("性别限制", max_length=10, choices=Sex.choices, default=Sex.ANY)
    waiting_days = models.PositiveSmallIntegerField("首次参保等待期（天）", default=0)
    claim_deadline_days = models.PositiveSmallIntegerField("申请时限（天）", default=365)
    benefit_per_share = models.DecimalField("每份保障金（元）", max_digits=12, decimal_places=2, default=0)
    annual_cap = models.DecimalField("年度限额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    benefit_notes = models.TextField("给付标准说明", blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "保障计划"
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    def rate_on(self, day: datetime.date):
        return self.rates.filter(valid_from__lte=day).order_by("-valid_from").first()

    def medical_rule_on(self, day: datetime.date):
        """The 医疗费用给付规则 version in force on DAY (None: the plan pays no medical bills)."""
        return self.medical_rules.filter(valid_from__lte=day).order_by("-valid_from").first()

    @property
    def current_rate(self):
        from django.utils import timezone

        return self.rate_on(timezone.localdate())


class PlanRate(models.Model):
    """缴费标准 — fee per 份 per 12-month period, versioned by date; never edited in place."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="rates")
    valid_from = models.DateField("生效日期")
    fee_per_share = models.DecimalField("每份每年缴费（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "缴费标准"
        constraints = [models.UniqueConstraint(fields=["plan", "valid_from"], name="planrate_unique_per_day")]

    def __str__(self):
        return f"{self.plan.code} {self.valid_from} {self.fee_per_share}元"


class Disease(models.Model):
    """保障病种 — a disease covered by a plan; in-situ cancers pay their own (lower) benefit."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="diseases")
    name = models.CharField("疾病名称", max_length=100)
    benefit_per_share = models.DecimalField(
        "每份保障金（元，空则按计划）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    counts_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="同时属于（另一计划的病种）",
        help_text="例如：原发性乳腺癌 同时属于重大疾病的“恶性肿瘤——重度”，可申请“重疾+女工”",
    )
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "保障病种"
        ordering = ["plan", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="disease_unique_per_plan")]

    def __str__(self):
        return self.name


class MedicalRule(models.Model):
    """医疗费用给付规则 — how a plan pays hospital/medical bills (住院医疗 YL; 意外伤害 YW 伤情「医疗」),
    versioned by 生效日期 like PlanRate: never edited in place; the version in force on the admission /
    accident date applies (claims.medical computes with it).

    benefit = (eligible 个人自付 − 起付线 not yet used) × 比例 × 份, capped by 限额 × 份 (what is left of it
    after the member's other claims of the period when the scope is 每保期累计)."""

    class CapScope(models.TextChoices):
        PERIOD = "period", "每保期累计（同一会员同一保期内所有申请合计）"
        CLAIM = "claim", "每次申请"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="medical_rules")
    valid_from = models.DateField("生效日期")
    deductible = models.DecimalField(
        "起付线（元）", max_digits=10, decimal_places=2, help_text="每名会员每保期（按限额范围）只扣一次"
    )
    ratio_percent = models.DecimalField(
        "给付比例（%）", max_digits=5, decimal_places=2, help_text="扣除起付线后个人自付部分的给付比例"
    )
    cap_per_share = models.DecimalField("限额（元/份）", max_digits=12, decimal_places=2)
    cap_scope = models.CharField("限额范围", max_length=10, choices=CapScope.choices, default=CapScope.PERIOD)

    class Meta:
        verbose_name = verbose_name_plural = "医疗费用给付规则"
        ordering = ["plan", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "valid_from"], name="medicalrule_unique_per_day"),
            models.CheckConstraint(
                condition=models.Q(ratio_percent__gte=0, ratio_percent__lte=100),
                name="medicalrule_ratio_0_to_100",
            ),
            models.CheckConstraint(
                condition=models.Q(deductible__gte=0, cap_per_share__gte=0),
                name="medicalrule_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.plan.code} {self.valid_from} 起付线{self.deductible}元 比例{self.ratio_percent}%"
