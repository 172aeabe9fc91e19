from django.contrib import admin

from claims.models import BankFileTemplate
from core.admin_inputs import SafeInputsMixin


@admin.register(BankFileTemplate)
class BankFileTemplateAdmin(SafeInputsMixin, admin.ModelAdmin):
    """系统管理 → 代发文件模板: a bank's batch-transfer layout (columns as [表头, 字段] pairs; 字段 one of
    BankFileTemplate.FIELDS) and its line limit per file."""

    list_display = ["name", "max_lines"]
