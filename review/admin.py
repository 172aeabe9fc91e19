from django.contrib import admin

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
class CaseAdmin(admin.ModelAdmin):
    """Read-only: status changes only through the review screens (the engine)."""

    list_display = ["id", "kind", "title", "status", "current_step", "org", "submitted_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    inlines = [TransitionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
