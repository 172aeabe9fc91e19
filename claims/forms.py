from django import forms

from claims.models import BankFileTemplate, Claim
from core.forms import BoundedDateField, TextField
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
    payee_name = TextField(label="收款人", max_length=50)
    payee_bank = TextField(label="开户银行", max_length=100)
    payee_account = TextField(label="银行账号", max_length=40)

    def __init__(self, *args, kind=Claim.Kind.ILLNESS, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if editing:
            # The member is fixed once saved; the account is shown masked and kept unless retyped.
            self.fields["id_number"].required = False
            self.fields["payee_account"].required = False
        if kind == Claim.Kind.ACCIDENT:
            self.fields["plan_choice"].choices = [(Claim.PlanChoice.YW, "意外伤害")]
            self.fields["event_date"].label = "出险时间"
            self.fields["accident_description"].required = True
            self.fields["injury"].required = True
            del self.fields["disease"]
        else:
            self.fields["plan_choice"].choices = [
                (c, label) for c, label in Claim.PlanChoice.choices if c != Claim.PlanChoice.YW
            ]
            del self.fields["accident_description"], self.fields["injury"], self.fields["disability_grade"]

    @staticmethod
    def initial_from(claim: Claim) -> dict:
        """编辑: the saved values; the member is fixed and the account is kept unless retyped."""
        fields = ("plan_choice", "event_date", "hospital", "accident_description", "injury")
        fields += ("disability_grade", "payee_name", "payee_bank")
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
        }

    def grouped_diseases(self):
        return diseases_grouped(["ZJ", "NG"])


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
