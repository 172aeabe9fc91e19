from django.contrib import admin

from core.admin_inputs import SafeInputsMixin
from plans.models import Disease, MedicalRule, Plan, PlanRate


class PlanRateInline(SafeInputsMixin, admin.TabularInline):
    model = PlanRate
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False  # rates are versioned: add a new one with a later date instead of editing


class MedicalRuleInline(SafeInputsMixin, admin.TabularInline):
    """医疗费用给付规则 (YL, YW 医疗): versioned like the rates — a new row with a later 生效日期."""

    model = MedicalRule
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False


class DiseaseInline(SafeInputsMixin, admin.TabularInline):
    model = Disease
    extra = 0


@admin.register(Plan)
class PlanAdmin(SafeInputsMixin, admin.ModelAdmin):
    list_display = ["code", "name", "max_shares", "min_age", "sex", "waiting_days", "benefit_per_share"]
    inlines = [PlanRateInline, MedicalRuleInline, DiseaseInline]
