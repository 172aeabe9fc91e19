"""The batch-transfer file layouts the system ships with (seeded into BankFileTemplate by a migration;
the administrator edits or adds layouts in 系统管理 → 代发文件模板).

- generic: 通用模板 — one line per payee, up to 1,000 lines a file.
- icbc: 中国工商银行 企业网银「批量代发」 layout — 50 lines a file (a larger batch becomes several files)."""

TEMPLATES = (
    {
        "code": "generic",
        "name": "通用代发模板",
        "sheet_name": "代发明细",
        "max_lines": 1000,
        "columns": [
            ["序号", "序号"],
            ["收款人姓名", "收款人姓名"],
            ["收款人账号", "收款人账号"],
            ["收款人开户行", "收款人开户行"],
            ["金额（元）", "金额"],
            ["用途", "用途"],
            ["备注", "批次行号"],
        ],
    },
    {
        "code": "icbc",
        "name": "中国工商银行批量代发",
        "sheet_name": "Sheet1",
        "max_lines": 50,
        "columns": [
            ["收款账号", "收款人账号"],
            ["收款户名", "收款人姓名"],
            ["金额", "金额"],
            ["收款行名称", "收款人开户行"],
            ["用途", "用途"],
            ["个性化信息", "批次行号"],
        ],
    },
)


def ensure_bank_templates(model=None) -> None:
    """The shipped layouts, each once (a migration, a flushed test database); an edited one is kept."""
    if model is None:
        from claims.models import BankFileTemplate as model
    for template in TEMPLATES:
        model.objects.get_or_create(code=template["code"], defaults=template)
