from django import forms

from core.forms import BoundedDateField, TextField
from orgs.selectors import org_districts
from review.engine import REASON_MAX_LENGTH
from review.models import Action, BusinessKind


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(Action.APPROVE, "通过"), (Action.RETURN, "退回"), (Action.REJECT, "不予给付")]
    )
    reason = TextField(
        label="意见/退回原因", required=False, max_length=REASON_MAX_LENGTH, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="业务类型", required=False, choices=[("", "全部业务"), *BusinessKind.choices]
    )
    unit = TextField(label="单位名称", required=False, max_length=100)
    district = forms.TypedChoiceField(label="区县", required=False, coerce=int, empty_value=None)
    date_from = BoundedDateField(label="上报日期从", required=False, years_back=30, years_ahead=1)
    date_to = BoundedDateField(label="至", required=False, years_back=30, years_ahead=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "全部区县"), *[(d.pk, d.name) for d in org_districts()]]


class MaterialUploadForm(forms.Form):
    slot = TextField(max_length=40)
    file = forms.FileField(required=False, error_messages={"empty": "文件是空的，请重新选择"})
