from django import forms

from orgs.selectors import org_districts
from review.models import Action, BusinessKind


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(Action.APPROVE, "通过"), (Action.RETURN, "退回"), (Action.REJECT, "不予给付")]
    )
    reason = forms.CharField(label="意见/退回原因", required=False, max_length=1000, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="业务类型", required=False, choices=[("", "全部业务"), *BusinessKind.choices]
    )
    unit = forms.CharField(label="单位名称", required=False, max_length=100)
    district = forms.TypedChoiceField(label="区县", required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(
        label="上报日期从", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "全部区县"), *[(d.pk, d.name) for d in org_districts()]]


class MaterialUploadForm(forms.Form):
    slot = forms.CharField(max_length=40)
    file = forms.FileField(required=False)
