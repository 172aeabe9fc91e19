from django import forms

from core.forms import BoundedDateField, TextField
from enrollment.models import Application
from plans.models import Plan


class ApplicationForm(forms.Form):
    """主保期参保 / 补充参保申请 (理由: 提前续保 / 追加) — the plan 份 fields are added per active plan.
    Parsing only: the dates are bounded like every date field; the period and plan rules are the
    service's."""

    unit = forms.TypedChoiceField(label="单位", coerce=int)
    kind = forms.ChoiceField(label="申请类型", choices=Application.Kind.choices, widget=forms.HiddenInput)
    # A period starts at most a year back (追加 today; a late main period) and at most 3 years ahead.
    period_start = BoundedDateField(label="保期开始日期", required=False, years_back=1, years_ahead=3)
    period_end = BoundedDateField(label="保期结束日期", required=False, years_back=1, years_ahead=4)
    note = TextField(label="备注", max_length=200, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.plans = list(Plan.objects.filter(is_active=True).order_by("position"))
        for plan in self.plans:
            self.fields[f"plan_{plan.code}"] = forms.TypedChoiceField(
                label=plan.name,
                required=False,
                coerce=int,
                empty_value=0,
                choices=[("", "不参加"), *[(n, f"{n}份") for n in range(1, plan.max_shares + 1)]],
            )

    def plan_fields(self):
        return [(plan, self[f"plan_{plan.code}"]) for plan in self.plans]

    def clean(self):
        """{plan: 份} of the plans chosen; whether that is enough (at least one, within the plan's maximum)
        is the service's rule (enrollment.services)."""
        data = super().clean()
        data["plans"] = {
            plan: data.get(f"plan_{plan.code}") for plan in self.plans if data.get(f"plan_{plan.code}")
        }
        return data

    @classmethod
    def initial_from(cls, application: Application) -> dict:
        initial = {
            "unit": application.unit_id,
            "kind": application.kind,
            "period_start": application.period_start,
            "period_end": application.period_end,
            "note": application.note,
        }
        for line in application.plan_lines.select_related("plan"):
            initial[f"plan_{line.plan.code}"] = line.shares
        return initial


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="参保职工名单（Excel）",
        error_messages={
            "required": "请选择要上传的名单文件",
            "empty": "文件是空的：请在模板中填写参保职工名单后上传",
        },
    )
    only_valid_rows = forms.BooleanField(label="只导入正确的行（有错误的行跳过）", required=False)
