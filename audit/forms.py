from django import forms

from audit.selectors import action_choices
from core.models import AuditLog


class AuditFilterForm(forms.Form):
    """操作日志 search: person, action, object, date range, outcome."""

    person = forms.CharField(label="操作人", max_length=50, required=False)
    action = forms.ChoiceField(label="操作", required=False)
    obj = forms.CharField(label="对象", max_length=100, required=False)
    date_from = forms.DateField(
        label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部结果"), *AuditLog.Outcome.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "person": data["person"].strip(),
            "action": data["action"],
            "obj": data["obj"].strip(),
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "outcome": data["outcome"],
        }
