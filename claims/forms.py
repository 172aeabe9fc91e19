from decimal import Decimal

from django import forms

from claims.heirs import HeirSpec
from claims.medical import RECEIPT_MAX, Receipt
from claims.models import BankFileTemplate, Claim, ClaimHeir
from core.forms import BoundedDateField, MoneyField, TextField
from core.masking import mask_bank_account, mask_id_number
from plans.models import Disease
from plans.selectors import diseases_grouped


class ClaimForm(forms.Form):
    """重疾女工 / 意外伤害 保障金申请 — parsing only; the rules live in claims.services and eligibility."""

    id_number = TextField(label="会员身份证号", max_length=30)
    plan_choice = forms.ChoiceField(label="保障计划", choices=Claim.PlanChoice.choices)
    # Not in the future; the filing deadline is a year, so 10 years back is generous for a typo check.
    event_date = BoundedDateField(label="诊断时间", years_back=10, years_ahead=0)
    disease = forms.ModelChoiceField(
        label="疾病名称", queryset=Disease.objects.select_related("plan"), required=False
    )
    hospital = TextField(label="医院名称", max_length=100)
    accident_description = TextField(
        label="意外情况", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    injury = forms.ChoiceField(label="伤情", choices=[("", "请选择"), *Claim.Injury.choices], required=False)
    disability_grade = forms.TypedChoiceField(
        label="伤残等级",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "请选择"), *[(g, f"{g}级") for g in range(1, 11)]],
    )
    member_deceased = forms.BooleanField(label="会员已身故（给付前身故，保障金由继承人领取）", required=False)
    # Required unless the claim is paid to its heirs (claims.services says which).
    payee_name = TextField(label="收款人", max_length=50, required=False)
    payee_bank = TextField(label="开户银行", max_length=100, required=False)
    payee_account = TextField(label="银行账号", max_length=40, required=False)
    # 住院医疗: event_date is the 入院日期.
    discharge_date = BoundedDateField(label="出院日期", years_back=10, years_ahead=0, required=False)
    diagnosis = TextField(
        label="诊断", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, kind=Claim.Kind.ILLNESS, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if editing:
            # The member is fixed once saved; the account is shown masked and kept unless retyped.
            self.fields["id_number"].required = False
            self.fields["payee_account"].required = False
        if kind != Claim.Kind.MEDICAL:
            del self.fields["discharge_date"], self.fields["diagnosis"]
        if kind == Claim.Kind.MEDICAL:
            self.fields["plan_choice"].choices = [(Claim.PlanChoice.YL, "住院医疗")]
            self.fields["event_date"].label = "入院日期"
            self.fields["hospital"].label = "医院"
            self.fields["discharge_date"].required = True
            self.fields["diagnosis"].required = True
            for name in ("disease", "accident_description", "injury", "disability_grade", "member_deceased"):
                del self.fields[name]
        elif kind == Claim.Kind.ACCIDENT:
            self.fields["plan_choice"].choices = [(Claim.PlanChoice.YW, "意外伤害")]
            self.fields["event_date"].label = "出险时间"
            self.fields["accident_description"].required = True
            self.fields["injury"].required = True
            del self.fields["disease"], self.fields["member_deceased"]
        else:
            self.fields["plan_choice"].choices = [
                (c, label)
                for c, label in Claim.PlanChoice.choices
                if c not in (Claim.PlanChoice.YW, Claim.PlanChoice.YL)
            ]
            del self.fields["accident_description"], self.fields["injury"], self.fields["disability_grade"]

    @staticmethod
    def initial_from(claim: Claim) -> dict:
        """编辑: the saved values; the member is fixed and the account is kept unless retyped."""
        fields = ("plan_choice", "event_date", "hospital", "accident_description", "injury")
        fields += ("disability_grade", "payee_name", "payee_bank", "member_deceased")
        fields += ("discharge_date", "diagnosis")
        return {**{field: getattr(claim, field) for field in fields}, "disease": claim.disease_id}

    def claim_fields(self, *, keep_account: str = "") -> dict:
        """The parsed values as claim_create / claim_update take them (KEEP_ACCOUNT when not retyped)."""
        data = self.cleaned_data
        return {
            "plan_choice": data["plan_choice"],
            "event_date": data["event_date"],
            "hospital": data["hospital"],
            "payee_name": data["payee_name"],
            "payee_bank": data["payee_bank"],
            "payee_account": data["payee_account"] or keep_account,
            "disease": data.get("disease"),
            "accident_description": data.get("accident_description", ""),
            "injury": data.get("injury", ""),
            "disability_grade": data.get("disability_grade"),
            "member_deceased": data.get("member_deceased", False),
            "discharge_date": data.get("discharge_date"),
            "diagnosis": data.get("diagnosis", ""),
        }

    def grouped_diseases(self):
        return diseases_grouped(["ZJ", "NG"])


class HeirForm(forms.Form):
    """One 继承人 row (parsing only; claims.heirs checks it). KEEP: on 编辑, the saved heir's 序号 whose
    ID number and account are kept when left blank (they are shown masked, never filled in)."""

    name = TextField(label="姓名", max_length=50, required=False)
    relation = forms.ChoiceField(
        label="与会员关系", choices=[("", "请选择"), *ClaimHeir.Relation.choices], required=False
    )
    relation_note = TextField(label="关系说明", max_length=30, required=False)
    id_number = TextField(label="身份证号", max_length=30, required=False)
    # "开户行" / "账号", not the payee's "开户银行" / "银行账号": one label names one field on the page.
    bank_name = TextField(label="开户行", max_length=100, required=False)
    bank_account = TextField(label="账号", max_length=40, required=False)
    share = TextField(label="份额（%）", max_length=10, required=False)
    keep = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=99)
    id_hint = account_hint = ""  # 编辑: "留空则保留 1101**********1234"

    def spec(self) -> HeirSpec:
        data = self.cleaned_data
        return HeirSpec(**{field: data.get(field) or "" for field in HeirSpec.FIELDS}, keep=data.get("keep"))


HeirFormSet = forms.formset_factory(HeirForm, extra=0, max_num=20, absolute_max=20)
HEIRS_PREFIX = "heirs"


def heir_formset(data=None, *, claim: Claim | None = None):
    """The heir rows: posted, the saved heirs (编辑; ID and account left blank, kept unless retyped), or
    one empty row. Rows are all "extra" (INITIAL_FORMS 0 in the template), so a removed row is simply gone."""
    heirs = list(claim.heirs.all()) if claim is not None else []
    if data is not None:
        if f"{HEIRS_PREFIX}-TOTAL_FORMS" not in data:  # a post without heir rows: none
            data = {**data.dict(), f"{HEIRS_PREFIX}-TOTAL_FORMS": "0", f"{HEIRS_PREFIX}-INITIAL_FORMS": "0"}
        return _with_hints(HeirFormSet(data, prefix=HEIRS_PREFIX), heirs)
    initial = [
        {
            "name": h.name,
            "relation": h.relation,
            "relation_note": h.relation_note,
            "bank_name": h.bank_name,
            "share": str(h.share),
            "keep": h.seq,
        }
        for h in heirs
    ] or [{}]
    return _with_hints(HeirFormSet(initial=initial, prefix=HEIRS_PREFIX), heirs)


def _with_hints(formset, heirs):
    """A saved heir's row says which (masked) ID number and account are kept when left blank."""
    by_seq = {heir.seq: heir for heir in heirs}
    for form in formset.forms:
        keep = form["keep"].value()
        heir = by_seq.get(int(keep)) if str(keep or "").isdigit() else None
        if heir is not None:
            form.id_hint = f"留空则保留原身份证号 {mask_id_number(heir.id_number)}"
            form.account_hint = f"留空则保留原账号 {mask_bank_account(heir.bank_account)}"
    return formset


def heir_specs(formset) -> list[HeirSpec] | None:
    """The typed rows (empty ones skipped), or None when the rows could not be parsed (errors shown)."""
    if not formset.is_valid():
        return None
    return [form.spec() for form in formset.forms if form.has_changed() and any(form.cleaned_data.values())]


def _receipt_money(label: str, required: bool = True) -> MoneyField:
    return MoneyField(label=label, minimum=Decimal("0.00"), maximum=RECEIPT_MAX, required=required)


class ReceiptForm(forms.Form):
    """One 医疗收费票据 / 电子票据 row; an empty row is skipped. The service checks that the parts add up."""

    code = TextField(label="票据代码", max_length=20)
    number = TextField(label="票据号码", max_length=20)
    issued_on = BoundedDateField(label="开票日期", years_back=10, years_ahead=0)
    total = _receipt_money("总金额")
    fund_paid = _receipt_money("医保统筹支付", required=False)
    category_b_self = _receipt_money("乙类先行自付", required=False)
    self_pay = _receipt_money("自付", required=False)
    self_funded = _receipt_money("自费", required=False)

    MONEY = ("total", "fund_paid", "category_b_self", "self_pay", "self_funded")

    def receipt(self) -> Receipt | None:
        data = self.cleaned_data
        if not data:
            return None
        zero = Decimal("0.00")
        return Receipt(
            code=data["code"],
            number=data["number"],
            issued_on=data["issued_on"],
            **{name: data.get(name) or zero for name in self.MONEY},
        )


class BaseReceiptFormSet(forms.BaseFormSet):
    """Every row may be left empty (a saved receipt is removed by clearing or deleting its row)."""

    def initial_form_count(self):
        return 0 if self.is_bound else super().initial_form_count()

    def receipts(self) -> list[Receipt]:
        """The filled rows (none when the rows do not parse: only ignored rows get here unparsed)."""
        if not self.is_valid():
            return []
        return [r for r in (form.receipt() for form in self.forms) if r is not None]

    def first_error(self) -> str:
        if self.non_form_errors():
            return "医疗票据：" + self.non_form_errors()[0]
        for row, form in enumerate(self.forms, start=1):
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                return f"第{row}张票据：{label}{errors[0]}" if label else f"第{row}张票据：{errors[0]}"
        return ""


ReceiptFormSet = forms.formset_factory(
    ReceiptForm, formset=BaseReceiptFormSet, extra=1, max_num=50, absolute_max=50, validate_max=True
)


def receipt_formset(data=None, *, receipts=(), add_row=False) -> BaseReceiptFormSet:
    """The receipt rows of the form: the saved RECEIPTS (编辑) and one empty row; ADD_ROW (the no-JS
    【添加票据】) re-draws the posted rows with one more."""
    if data is not None and add_row:
        data = data.copy()
        key = "receipts-TOTAL_FORMS"
        data[key] = str(min(int(data.get(key) or 0), 49) + 1) if str(data.get(key, "")).isdigit() else "1"
    initial = [
        {field: getattr(r, field) for field in ("code", "number", "issued_on", *ReceiptForm.MONEY)}
        for r in receipts
    ]
    # Posted rows are compared with nothing: a row emptied by the agent is a removed receipt.
    return ReceiptFormSet(data, prefix="receipts", initial=None if data is not None else initial or None)


class PayoutForm(forms.Form):
    """保障金给付 (finance): the transfer of the approved amount."""

    paid_on = BoundedDateField(label="给付日期", years_back=5, years_ahead=0)
    bank_reference = TextField(label="银行流水号", max_length=64)


class BatchCreateForm(forms.Form):
    """制单: the chosen claims (ids) and the bank's file template."""

    claims = forms.TypedMultipleChoiceField(coerce=int, required=False, label="保障金申请")
    everything = forms.BooleanField(required=False, label="全部待给付")
    template = forms.ModelChoiceField(
        queryset=BankFileTemplate.objects.all(), label="代发文件模板", empty_label=None
    )

    def __init__(self, *args, waiting=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].choices = [(claim.pk, str(claim.pk)) for claim in waiting]


class BatchSettleForm(forms.Form):
    """登记银行结果: the day the bank paid; the failed lines are ticked, each with its reason."""

    paid_on = BoundedDateField(label="银行处理日期", years_back=1, years_ahead=0)


class DeathRegisterForm(forms.Form):
    """【登记身故及继承人】 (city reviewer, after the approval): the tick and the three proofs (each may be
    left empty when it is already among the claim's materials; claims.services says what is missing)."""

    member_deceased = forms.BooleanField(
        label="会员已于给付前身故，保障金改由继承人按份额领取",
        error_messages={"required": "请勾选“会员已身故”后再登记"},
    )
    death_certificate = forms.FileField(label="死亡证明", required=False)
    deregistration = forms.FileField(label="户籍注销证明", required=False)
    kinship = forms.FileField(label="亲属关系证明", required=False)

    def proofs(self) -> dict:
        slots = ("death_certificate", "deregistration", "kinship")
        return {slot: self.cleaned_data.get(slot) for slot in slots}
