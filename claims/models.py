from django.conf import settings
from django.db import models

from core.fields import EncryptedJSONField, EncryptedTextField
from review.registry import MaterialSlot


class Claim(models.Model):
    """保障金申请 — a benefit claim for a covered member (manual §3): 重疾女工, 意外伤害 or 住院医疗
    (SPEC §7.4).

    The diagnosis (which listed disease), the accident description, the eligibility results (they name the
    disease) and the payee's bank account are encrypted in the database (core.fields, SECURITY.md).
    """

    class Kind(models.TextChoices):
        ILLNESS = "illness", "重疾女工保障金申请"
        ACCIDENT = "accident", "意外伤害保障金申请"
        MEDICAL = "medical", "住院医疗保障金申请"

    class PlanChoice(models.TextChoices):
        ZJ = "ZJ", "重大疾病"
        NG = "NG", "女职工特殊疾病"
        BOTH = "BOTH", "重疾+女工"
        YW = "YW", "意外伤害"
        YL = "YL", "住院医疗"

    class Injury(models.TextChoices):
        DEATH = "death", "死亡"
        DISABILITY = "disability", "伤残"
        MEDICAL = "medical", "医疗"

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="claims", verbose_name="单位"
    )
    case = models.OneToOneField("review.Case", on_delete=models.PROTECT, related_name="claim")
    member = models.ForeignKey(
        "enrollment.Member", on_delete=models.PROTECT, related_name="claims", verbose_name="会员"
    )
    kind = models.CharField("申请类型", max_length=20, choices=Kind.choices)
    plan_choice = models.CharField("保障计划", max_length=10, choices=PlanChoice.choices)
    event_date = models.DateField("诊断/出险时间")
    # The id of the plans.Disease, encrypted: a foreign key in clear would be the diagnosis in clear.
    disease_ref = EncryptedTextField("疾病名称", blank=True, default="", editable=False)
    hospital = models.CharField("医院名称", max_length=100)
    accident_description = EncryptedTextField("意外情况", blank=True)
    injury = models.CharField("伤情", max_length=20, choices=Injury.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField("伤残等级", null=True, blank=True)
    # A death claim (意外身故, or 会员已身故 before a 重疾/女工 payout) pays its heirs (ClaimHeir) instead:
    # then the payee fields stay blank (claims.heirs).
    member_deceased = models.BooleanField("会员已身故", default=False)
    payee_name = models.CharField("收款人", max_length=50, blank=True)
    payee_bank = models.CharField("开户银行", max_length=100, blank=True)
    payee_account = EncryptedTextField("银行账号", blank=True)
    suggested_amount = models.DecimalField("建议给付金额（元）", max_digits=12, decimal_places=2, default=0)
    approved_amount = models.DecimalField(
        "核定给付金额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    eligibility = EncryptedJSONField("资格审核结果", default=list, blank=True)
    # 住院医疗 (YL): event_date is the 入院日期; the diagnosis is health data like the disease.
    discharge_date = models.DateField("出院日期", null=True, blank=True)
    diagnosis = EncryptedTextField("诊断", blank=True, default="")
    # The 医疗费用给付 computation at 保存 (claims.medical.Computation.as_json), for YL and 伤情「医疗」.
    medical_computation = models.JSONField("医疗费用计算", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "保障金申请"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disability_grade__isnull=True)
                | models.Q(disability_grade__gte=1, disability_grade__lte=10),
                name="claim_disability_grade_1_to_10",
            )
        ]

    def __str__(self):
        return f"{self.member} {self.get_plan_choice_display()} {self.event_date}"

    @property
    def number(self) -> str:
        """申请编号 — what a message may name about another unit's claim (nothing else of it)."""
        return f"LP{self.pk:08d}"

    @property
    def is_medical(self) -> bool:
        """Paid from the medical receipts (住院医疗, or 意外伤害 with 伤情「医疗」)."""
        return self.kind == self.Kind.MEDICAL or self.injury == self.Injury.MEDICAL

    @property
    def disease(self):
        """疾病名称 — the plans.Disease behind disease_ref (None for accident claims)."""
        from plans.models import Disease

        if not self.disease_ref:
            return None
        cached = self.__dict__.get("_disease")
        if cached is None or str(cached.pk) != self.disease_ref:
            cached = Disease.objects.select_related("plan").filter(pk=int(self.disease_ref)).first()
            self.__dict__["_disease"] = cached
        return cached

    @disease.setter
    def disease(self, value):
        self.disease_ref = str(value.pk) if value is not None else ""
        self.__dict__["_disease"] = value

    @property
    def disease_id(self):
        return int(self.disease_ref) if self.disease_ref else None

    @property
    def needs_heirs(self) -> bool:
        """意外身故, or a claim whose member died before the payout (会员已身故: ticked by the agent on
        a 重疾/女工 claim, or registered by the city after the approval, claim_register_death): paid to the
        heirs."""
        if self.kind == self.Kind.ACCIDENT and self.injury == self.Injury.DEATH:
            return True
        return self.member_deceased

    @property
    def payout(self):
        """The payout of a claim paid as a whole (None before it, and for a claim paid to its heirs: one
        Payout per heir, see `payouts`)."""
        return next((p for p in self.payouts.all() if p.heir_id is None), None)


class ClaimHeir(models.Model):
    """受益人（继承人） — who receives a death claim's money, with a share in percent; the shares of a claim
    add up to 100 % (claims.heirs). The bank account is encrypted; the ID number is masked everywhere."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", "配偶"
        CHILD = "child", "子女"
        PARENT = "parent", "父母"
        OTHER = "other", "其他"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="heirs")
    seq = models.PositiveSmallIntegerField("序号")
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("与会员关系", max_length=10, choices=Relation.choices)
    relation_note = models.CharField("关系说明", max_length=30, blank=True)
    id_number = models.CharField("身份证号", max_length=18)
    bank_name = models.CharField("开户银行", max_length=100)
    bank_account = EncryptedTextField("银行账号")
    share = models.DecimalField("份额（%）", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "受益人（继承人）"
        ordering = ["claim", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "id_number"], name="claimheir_id_number_once_per_claim"),
            models.UniqueConstraint(fields=["claim", "seq"], name="claimheir_seq_unique"),
            models.CheckConstraint(
                condition=models.Q(share__gt=0, share__lte=100), name="claimheir_share_0_to_100"
            ),
        ]

    def __str__(self):
        return f"{self.claim_id} {self.name}"


class ClaimLine(models.Model):
    """One plan of a claim. While active (not rejected/deleted), a member + plan + event date exists once:
    the database refuses a second open or paid claim for the same event (double payment)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    member = models.ForeignKey("enrollment.Member", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="+")
    event_date = models.DateField()
    shares = models.PositiveSmallIntegerField("份数")
    suggested_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # The 起付线 this claim's computation used (YL: the member's 起付线 is used once per period).
    deductible_applied = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = verbose_name_plural = "保障金申请明细"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "plan", "event_date"],
                condition=models.Q(is_active=True),
                name="claimline_one_active_claim_per_event",
            )
        ]

    def __str__(self):
        return f"{self.claim_id} {self.plan_id}"


class MedicalReceipt(models.Model):
    """医疗收费票据 / 电子票据 of a 住院医疗 (or 意外 医疗) claim. While its claim is live (not rejected or
    deleted) a receipt (票据代码 + 票据号码) is on one claim only: the database refuses paying it twice."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="receipts")
    position = models.PositiveSmallIntegerField("序号", default=1)
    code = models.CharField("票据代码", max_length=20)
    number = models.CharField("票据号码", max_length=20)
    issued_on = models.DateField("开票日期")
    total = models.DecimalField("总金额（元）", max_digits=12, decimal_places=2)
    fund_paid = models.DecimalField("医保统筹支付（元）", max_digits=12, decimal_places=2)
    category_b_self = models.DecimalField("乙类先行自付（元）", max_digits=12, decimal_places=2)
    self_pay = models.DecimalField("自付（元）", max_digits=12, decimal_places=2)
    self_funded = models.DecimalField("自费（元）", max_digits=12, decimal_places=2)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = verbose_name_plural = "医疗票据"
        ordering = ["claim", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "number"],
                condition=models.Q(is_active=True),
                name="medicalreceipt_one_live_claim_per_receipt",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total=models.F("fund_paid")
                    + models.F("category_b_self")
                    + models.F("self_pay")
                    + models.F("self_funded"),
                    fund_paid__gte=0,
                    category_b_self__gte=0,
                    self_pay__gte=0,
                    self_funded__gte=0,
                    total__gt=0,
                ),
                name="medicalreceipt_parts_add_up",
            ),
        ]

    def __str__(self):
        return f"{self.code}-{self.number}"

    @property
    def personal(self):
        """个人自付 = 乙类先行自付 + 自付."""
        return self.category_b_self + self.self_pay


class Payout(models.Model):
    """给付 — finance recorded one transfer: the whole claim (one per claim, database constraint) or, for a
    claim paid to its heirs, one per heir (database constraint); the claim is 已结案 once all are paid."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payouts")
    heir = models.ForeignKey(
        ClaimHeir,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name="继承人",
    )
    amount = models.DecimalField("给付金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("给付日期")
    bank_reference = models.CharField("银行流水号", max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "给付记录"
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=models.Q(heir__isnull=True), name="payout_one_per_claim"
            ),
            models.UniqueConstraint(fields=["heir"], name="payout_one_per_heir"),
        ]

    def __str__(self):
        return f"{self.claim_id} {self.amount}"

    @property
    def payee(self):
        """(收款人, 开户银行, 银行账号) of this transfer: the heir's, else the claim's."""
        return payee_of(self.claim, self.heir)


def payee_of(claim: Claim, heir: "ClaimHeir | None") -> tuple[str, str, str]:
    if heir is not None:
        return heir.name, heir.bank_name, heir.bank_account
    return claim.payee_name, claim.payee_bank, claim.payee_account


# A claim paid to heirs (Claim.needs_heirs) needs all three (ClaimBusiness.missing_materials).
HEIR_SLOTS = (
    MaterialSlot("death_certificate", "死亡证明", required=False),
    MaterialSlot("deregistration", "户籍注销证明", required=False),
    MaterialSlot("kinship", "亲属关系证明", required=False),
)
ILLNESS_SLOTS = (
    MaterialSlot("admission", "入院记录"),
    MaterialSlot("surgery", "手术记录", required=False),
    MaterialSlot("pathology", "病理报告"),
    MaterialSlot("discharge", "出院记录"),
    MaterialSlot("id_card", "身份证", required=False),
    MaterialSlot("bank_card", "银行卡", required=False),
    *HEIR_SLOTS,
)
ACCIDENT_SLOTS = (
    MaterialSlot("accident_proof", "事故证明"),
    MaterialSlot("diagnosis", "诊断证明或病历"),
    MaterialSlot("disability_assessment", "伤残鉴定书", required=False),
    HEIR_SLOTS[0],
    MaterialSlot("medical_receipts", "医疗票据", required=False),
    MaterialSlot("id_card", "身份证", required=False),
    MaterialSlot("bank_card", "银行卡", required=False),
    *HEIR_SLOTS[1:],
)
MEDICAL_SLOTS = (
    MaterialSlot("discharge", "出院记录"),
    MaterialSlot("expense_list", "费用明细清单"),
    MaterialSlot("medical_receipts", "医疗票据"),
    MaterialSlot("insurance_settlement", "医保结算单"),
    MaterialSlot("id_card", "身份证", required=False),
    MaterialSlot("bank_card", "银行卡", required=False),
    *HEIR_SLOTS[1:],
)


class BankFileTemplate(models.Model):
    """代发文件模板 — the layout of one bank's batch-transfer (批量代发) file, kept as data (系统管理):
    the columns in order ([表头, 字段], 字段 one of FIELDS) and how many lines one file may carry."""

    FIELDS = ("序号", "收款人姓名", "收款人账号", "收款人开户行", "金额", "用途", "批次行号")

    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    columns = models.JSONField("列（表头, 字段）", default=list)
    max_lines = models.PositiveIntegerField("每个文件最多笔数", default=1000)
    sheet_name = models.CharField("工作表名", max_length=31, default="Sheet1")

    class Meta:
        verbose_name = verbose_name_plural = "代发文件模板"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_lines__gte=1), name="bankfiletemplate_max_lines")
        ]

    def __str__(self):
        return self.name


class PayoutBatch(models.Model):
    """给付批次 — approved claims paid by one bank batch transfer: 制单 by one finance clerk, 复核 by
    another (never the same person, database constraint), exported, then the bank's result recorded."""

    class State(models.TextChoices):
        MADE = "made", "待复核"
        CHECKED = "checked", "已复核"
        SETTLED = "settled", "已登记结果"

    number = models.CharField("批次号", max_length=30, unique=True)
    template = models.ForeignKey(BankFileTemplate, on_delete=models.PROTECT, verbose_name="代发文件模板")
    state = models.CharField("批次状态", max_length=20, choices=State.choices, default=State.MADE)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField("制单时间", auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("复核时间", null=True, blank=True)
    settled_at = models.DateTimeField("登记结果时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "给付批次"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checked_by__isnull=True) | ~models.Q(checked_by=models.F("made_by")),
                name="payoutbatch_checker_is_not_maker",
            )
        ]

    def __str__(self):
        return self.number


class PayoutBatchLine(models.Model):
    """One payee of a 给付批次: a claim, or one heir of a claim paid to its heirs (one line each). While
    open (the bank's result not yet recorded) a claim paid as a whole and an heir are each in one line
    only (database constraints); that all open lines of a claim are in one batch is checked by
    payout_batch_create under the claim's row lock."""

    class Result(models.TextChoices):
        PENDING = "pending", "待银行处理"
        PAID = "paid", "已给付"
        FAILED = "failed", "给付失败"

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="lines")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="batch_lines")
    heir = models.ForeignKey(
        ClaimHeir,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batch_lines",
        verbose_name="继承人",
    )
    seq = models.PositiveIntegerField("序号")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    is_open = models.BooleanField(default=True)
    result = models.CharField("结果", max_length=20, choices=Result.choices, default=Result.PENDING)
    failure_reason = models.CharField("失败原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "给付批次明细"
        ordering = ["batch", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(is_open=True, heir__isnull=True),
                name="payoutbatchline_one_open_batch_per_claim",
            ),
            models.UniqueConstraint(
                fields=["heir"],
                condition=models.Q(is_open=True),
                name="payoutbatchline_one_open_line_per_heir",
            ),
            models.UniqueConstraint(fields=["batch", "seq"], name="payoutbatchline_seq_unique"),
        ]

    def __str__(self):
        return self.reference

    @property
    def payee(self):
        """(收款人, 开户银行, 银行账号) of the line: the heir's, else the claim's."""
        return payee_of(self.claim, self.heir)

    @property
    def reference(self) -> str:
        """The line's 备注 in the bank file and the 流水号 of its payout."""
        return f"{self.batch.number}-{self.seq:04d}"
