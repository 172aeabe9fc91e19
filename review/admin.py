from django.contrib import admin

from core.admin import ReadOnlyAdmin
from review.models import Case, Transition, Workflow, WorkflowStep


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ["kind", "return_status", "allows_reject", "settlement_action"]
    inlines = [WorkflowStepInline]


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor_name", "actor_role", "action", "from_label", "to_label", "reason"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only: status changes only through the review screens (the engine)."""

    list_display = ["number", "kind", "title", "status", "current_step", "org", "submitted_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    fields = [
        "kind",
        "title",
        "unit",
        "applicant",
        "route_display",
        "workflow_display",
        "status",
        "current_step",
        "last_return_reason",
        "created_display",
        "submitted_at",
        "decided_at",
    ]
    readonly_fields = ["route_display", "workflow_display", "created_display"]
    inlines = [TransitionInline]

    @admin.display(description="编号", ordering="id")
    def number(self, obj):
        return obj.pk

    @admin.display(description="创建时间")
    def created_display(self, obj):
        return obj.created_at

    @admin.display(description="审核流程")
    def workflow_display(self, obj):
        return obj.workflow

    @admin.display(description="上级单位（按上报时）")
    def route_display(self, obj):
        return obj.org or "—"
