"""The 缴费通知单 PDF (billing.documents): every field, the amounts in figures and in Chinese capitals."""

import datetime
import shutil
import subprocess
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse

import billing.documents
from billing.documents import payment_notice_pdf


@pytest.fixture
def approved(factory):
    """市南区 unit, 3 members × ZJ 1份 × 30 元: a notice of 90.00 元 awaiting payment."""
    return factory.approved_application(rows=factory.people(3))


def test_the_notice_shows_every_field_and_the_amount_in_figures_and_capitals(factory, approved, monkeypatch):
    rendered = []

    def capture(*args, **kwargs):
        rendered.append(render(*args, **kwargs))
        return rendered[-1]

    render = billing.documents.render_to_string
    monkeypatch.setattr(billing.documents, "render_to_string", capture)
    notice = approved.payment_notice
    assert payment_notice_pdf(notice).startswith(b"%PDF")
    (html,) = rendered
    unit = approved.unit
    for text in (
        "缴费通知单",
        notice.number,
        unit.name,
        unit.credit_code,
        "市南区",
        "主保期参保",
        f"{approved.period_start.year}年{approved.period_start.month}月{approved.period_start.day}日",
        "重大疾病互助保障",
        "3 人",
        "¥90.00",
        "玖拾元整",
        "青岛市总工会职工互助保障专户",
        "中国工商银行青岛市分行营业部",
        "3803 0200 0920 0000 000",
        "转账附言（必填）",
        f"{notice.due_date.year}年{notice.due_date.month}月{notice.due_date.day}日",
    ):
        assert text in html, text


def test_a_supplement_notice_shows_the_pro_rata_months_and_amount(
    factory, time_machine, pdf_file, monkeypatch
):
    from review.services import material_upload

    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    time_machine.move_to(datetime.datetime(2026, 3, 12, 10, tzinfo=shanghai), tick=False)
    unit = factory.approved_unit()
    factory.effective_application(
        factory.application(unit, period_start=datetime.date(2026, 4, 1), rows=factory.people(1))
    )
    time_machine.move_to(datetime.datetime(2026, 12, 15, 10, tzinfo=shanghai), tick=False)
    supplement = factory.application(unit, kind="supplement", rows=factory.people(2, first=10))
    material_upload(case=supplement.case, slot="application_letter", upload=pdf_file(), actor=unit.agent)
    supplement = factory.approved_application(supplement)
    assert supplement.payment_notice.amount == Decimal("20.00")  # 2 × 30 元 × 4/12

    html = []
    render = billing.documents.render_to_string
    monkeypatch.setattr(
        billing.documents, "render_to_string", lambda *a, **k: html.append(render(*a, **k)) or html[-1]
    )
    payment_notice_pdf(supplement.payment_notice)
    for text in (
        "补充参保申请（追加）",
        "2026年12月15日 至 2027年3月31日",
        "剩余 4 个整月，按月折算",
        "¥20.00",
        "贰拾元整",
    ):
        assert text in html[0], text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (make test installs it)")
def test_the_pdf_itself_carries_the_unit_and_the_amount_in_figures_and_capitals(client, approved):
    client.force_login(approved.unit.agent)
    pdf = client.get(reverse("billing:notice_pdf", args=[approved.pk])).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    text = "".join(text.split())
    for expected in (approved.payment_notice.number, approved.unit.name, "¥90.00", "玖拾元整", "缴费通知单"):
        assert expected in text, expected


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler-utils (make test installs it)")
def test_the_pdf_prints_in_the_notice_font_and_a_rare_character_in_the_system_font(factory):
    """Notice Sans SC (GB 2312) prints the notice, its page footer too; 喆 (outside GB 2312) in a unit's
    name is still printed, by the full Noto Sans CJK SC."""
    unit = factory.approved_unit(name="青岛喆达机械有限公司")
    application = factory.approved_application(factory.application(unit, rows=factory.people(3)))
    pdf = payment_notice_pdf(application.payment_notice)
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    embedded = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert embedded == {"Notice-Sans-SC", "Notice-Sans-SC-Bold", "Noto-Sans-CJK-SC"}, fonts
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "青岛喆达机械有限公司" in "".join(text.split())


def _page_texts(pdf: bytes) -> list[str]:
    import io

    import pypdf

    return ["".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_a_one_page_notice_says_page_1_of_1(approved):
    pages = _page_texts(payment_notice_pdf(approved.payment_notice))
    assert len(pages) == 1
    assert pages[0].endswith("第1页，共1页")


def test_a_longer_document_counts_its_pages_in_every_footer():
    """「第 N 页，共 M 页」 on every page of a document longer than one page."""
    rows = "".join(f"<p>第{n}行 缴费明细</p>" for n in range(300))
    pages = _page_texts(billing.documents.render_pdf(f"<html><body>{rows}</body></html>"))
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert text.endswith(f"第{number}页，共{len(pages)}页"), text[-20:]
