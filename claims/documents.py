"""The bank's batch-transfer (批量代发) files of a 给付批次, laid out by a BankFileTemplate (data)."""

import io
import zipfile

from core.xlsx import workbook

PURPOSE = "职工互助保障金"


def _value(line, field: str):
    name, bank, account = line.payee  # the heir's for a claim paid to its heirs (one line each)
    return {
        "序号": line.seq,
        "收款人姓名": name,
        "收款人账号": account,  # the bank needs it whole: the export is an audit row
        "收款人开户行": bank,
        "金额": line.amount,
        "用途": PURPOSE,
        "批次行号": line.reference,
    }.get(field, "")


def batch_transfer_xlsx(template, lines) -> bytes:
    """One file: the template's header row, then one row per line (amounts as numbers, text as text)."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet(template.sheet_name[:31] or "Sheet1")
    money = book.add_format({"num_format": "0.00"})
    for col, (header, _field) in enumerate(template.columns):
        sheet.write_string(0, col, header)
    sheet.set_column(0, len(template.columns) - 1, 20)
    for row, line in enumerate(lines, start=1):
        for col, (_header, field) in enumerate(template.columns):
            value = _value(line, field)
            if field == "金额":
                sheet.write_number(row, col, float(value), money)
            elif field == "序号":
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, str(value))
    book.close()
    return buffer.getvalue()


def zipped(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()
