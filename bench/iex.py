"""The django-import-export contender of `make bench`: a ModelResource for the roster (RosterEntry) with the
checks such a Resource can express row by row —

- 姓名 required, at most 50 characters (a widget; full_clean checks the column's max_length too);
- 身份证号: not a number cell, GB 11643 (core.validators, as ours), no duplicate in the file;
- 手机号: 11 digits when given;
- the plans' 份 columns: the application's 份 (unit-wide), at least one plan, the plan's minimum age at the
  period start, female-only plans;
- full_clean() of every instance (clean_model_instances): field lengths, choices and the unique
  (application, 身份证号) constraint — a query per row.

It cannot express the set-based rules against other data (already covered by this or another unit for an
overlapping period, on another open application) without a query per row and plan; those are left out, so
it does less work than ours. Default: Django-import-export's defaults (one get per row, save() per row, a
diff per row); tuned: use_bulk (batches of 2,000), skip_diff, CachedInstanceLoader.
"""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader, ModelInstanceLoader

from core.validators import id_number_birth_date, id_number_is_female, validate_id_number, validate_mobile
from enrollment.models import RosterEntry
from enrollment.periods import age_on
from enrollment.roster_import import plan_columns


class NameWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        name = " ".join(str(value or "").split())
        if not name:
            raise ValueError("姓名不能为空")
        if len(name) > 50:
            raise ValueError("姓名过长（最多50个字）")
        return name


class IdNumberWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError("身份证号被Excel存成了数字，末几位可能已丢失")
        try:
            return validate_id_number(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None


class MobileWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        try:
            return validate_mobile(text)
        except ValidationError:
            raise ValueError("手机号应为11位数字") from None


def roster_resource(application, *, tuned: bool) -> resources.ModelResource:
    plans = plan_columns(application)

    class RosterEntryResource(resources.ModelResource):
        row_number = fields.Field(attribute="row_number", column_name="序号", widget=widgets.IntegerWidget())
        name = fields.Field(attribute="name", column_name="姓名", widget=NameWidget())
        id_number = fields.Field(attribute="id_number", column_name="身份证号", widget=IdNumberWidget())
        mobile = fields.Field(attribute="mobile", column_name="手机号", widget=MobileWidget())

        class Meta:
            model = RosterEntry
            fields = ("row_number", "name", "id_number", "mobile")
            import_id_fields = ("id_number",)
            clean_model_instances = True
            use_bulk = tuned
            batch_size = 2000
            skip_diff = tuned
            instance_loader_class = CachedInstanceLoader if tuned else ModelInstanceLoader

        def __init__(self):
            super().__init__()
            self.seen: set[str] = set()

        def get_queryset(self):
            return RosterEntry.objects.filter(application=application)

        def import_instance(self, instance, row, **kwargs):
            super().import_instance(instance, row, **kwargs)
            errors = {}
            if instance.id_number in self.seen:
                errors["id_number"] = "与前面的行身份证号重复"
            self.seen.add(instance.id_number)
            birth = id_number_birth_date(instance.id_number)
            female = id_number_is_female(instance.id_number)
            shares = {}
            for plan in plans:
                raw = str(row.get(plan.header) or "").strip().removesuffix(".0")
                if raw in ("", "0"):
                    continue
                if raw != str(plan.shares):
                    errors["shares"] = f"{plan.header}应为{plan.shares}"
                elif age_on(birth, application.period_start) < plan.min_age:
                    errors["shares"] = f"保期开始时未满{plan.min_age}周岁，不能参加{plan.name}"
                elif plan.female_only and not female:
                    errors["shares"] = f"{plan.name}仅限女职工参加"
                else:
                    shares[plan.code] = plan.shares
            if not shares and "shares" not in errors:
                errors["shares"] = "请至少填写一个保障计划的份数"
            if errors:
                raise ValidationError(errors)
            instance.application = application
            instance.birth_date = birth
            instance.sex = "F" if female else "M"
            instance.shares = shares

    return RosterEntryResource()
