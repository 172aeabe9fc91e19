"""Hostile uploads: rosters (browser and API) and materials. Nothing hostile is parsed in the web process,
stored, or allowed to crash it; the person reads one Chinese sentence."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enrollment.models import RosterImport
from tests.badinput import hostile
from tests.badinput.conftest import assert_refused, client_for, nothing_changes
from tests.factories import Factory

pytestmark = pytest.mark.django_db

SPARSE = "远远超出名单模板"
REWRITE = "请把名单复制到新下载的模板中"


@pytest.fixture(scope="session")
def million() -> bytes:
    return hostile.million_rows()


@pytest.fixture(scope="session")
def million_without_dimension() -> bytes:
    return hostile.million_rows(dimension=False)


def upload_roster(client, application, content: bytes, name="名单.xlsx", **extra):
    url = reverse("enrollment:roster_upload", args=[application.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content), **extra}, follow=True)


def api_roster(api, application, content: bytes, name="roster.xlsx"):
    url = f"/api/v1/applications/{application.pk}/roster"
    return api.post(url, content, content_type="application/octet-stream", headers={"X-Filename": name})


# --- rosters: refused by the pre-checks, before any parse, nothing stored ------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (hostile.sparse_corner_template, "表格的使用范围为 A1:XFD1048576"),
        (hostile.sparse_corner_lying_dimension, "第16384列（XFD1048576）有内容"),
        (hostile.decompression_bomb, "文件解压后过大"),
        (lambda: hostile.huge_cell(shared=True), "有单元格内容过长（超过1000个字）"),
        (lambda: hostile.huge_cell(shared=False), "表格第2行有单元格内容过长"),
        (hostile.many_columns, SPARSE),
        (hostile.zip_without_sheet, "已损坏或不是有效的Excel文件"),
        (lambda: Factory.roster_xlsx(Factory().people(3))[:900], "已损坏或不是有效的Excel文件"),
        (lambda: b"%PDF-1.4 pretending to be a roster", "文件不是Excel表格"),
    ],
    ids=[
        "sparse-corner-cell",
        "sparse-corner-lying-dimension",
        "decompression-bomb",
        "huge-shared-string",
        "huge-inline-cell",
        "too-many-columns",
        "zip-without-sheet",
        "truncated-xlsx",
        "pdf-named-xlsx",
    ],
)
def test_a_hostile_roster_is_refused_before_it_is_read(agent, agent_app, monkeypatch, build, message):
    content = build()
    monkeypatch.setattr("core.spreadsheets.READER_MODULE", "reader-must-not-run")
    with nothing_changes():
        response = upload_roster(agent, agent_app, content)
    assert_refused(response, message)
    assert agent_app.roster.count() == 2  # the roster in force is untouched


def test_a_million_row_roster_is_refused_from_its_declared_dimension(agent, agent_app, million, monkeypatch):
    monkeypatch.setattr("core.spreadsheets.READER_MODULE", "reader-must-not-run")
    with nothing_changes():
        response = upload_roster(agent, agent_app, million, "百万人名单.xlsx")
    assert_refused(response, "约1000000行），超过单次导入上限100000行，请分批导入")


def test_a_million_row_roster_without_dimension_is_refused_while_counting(
    agent, agent_app, million_without_dimension, monkeypatch
):
    monkeypatch.setattr("core.spreadsheets.READER_MODULE", "reader-must-not-run")
    with nothing_changes():
        response = upload_roster(agent, agent_app, million_without_dimension)
    assert_refused(response, "名单超过100000行，超过单次导入上限100000行，请分批导入")


def test_a_csv_over_the_row_limit_is_refused_while_counting(agent, agent_app):
    with nothing_changes():
        response = upload_roster(agent, agent_app, hostile.csv_rows(200_000), "名单.csv")
    assert_refused(response, "名单超过100000行")


def test_a_csv_with_a_huge_cell_is_refused(agent, agent_app):
    with nothing_changes():
        response = upload_roster(agent, agent_app, hostile.csv_huge_cell(), "名单.csv")
    assert_refused(response, "CSV 文件中有单元格内容过长")


def test_an_empty_file_is_refused(agent, agent_app):
    with nothing_changes():
        response = upload_roster(agent, agent_app, b"")
    assert_refused(response, "文件是空的")


def test_a_roster_body_over_the_limit_is_refused_while_it_streams_in(agent, agent_app, settings):
    settings.ROSTER_MAX_BYTES = 1024 * 1024
    with nothing_changes():
        response = upload_roster(agent, agent_app, b"PK\x03\x04" + b"\x00" * (2 * 1024 * 1024))
    assert_refused(response, "上传的文件超过了 1 MB 的上限，系统没有接收", status=413)


# --- rosters that pass the pre-checks but not the reader / the rows: recorded, nothing imported ---------


def test_a_damaged_xls_fails_in_the_isolated_reader_and_offers_a_new_upload(agent, agent_app):
    with nothing_changes(allow={"enrollment.rosterimport": 1, "core.auditlog.success": 1}, new_files=1):
        response = upload_roster(agent, agent_app, hostile.xls_garbage(), "名单.xls")
    text = assert_refused(response, "名单未导入")
    job = agent_app.imports.first()  # the newest
    assert (job.status, job.retryable) == (RosterImport.Status.FAILED, False)
    assert "已损坏或不是有效的Excel文件" in job.message
    assert 'id="upload-new-file"' in text and 'id="import-retry"' not in text


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_nul_byte_in_a_roster_name_is_a_row_error_not_a_crash(agent, agent_app, kind):
    """On PostgreSQL a NUL in a text column used to fail the insert and leave the import 'running'."""
    row = Factory().people(1, first=50)[0]
    row[1] = "张\x00三"
    if kind == "xlsx":
        content, name = Factory.roster_xlsx([row]), "名单.xlsx"
    else:
        content = (",".join(hostile.HEADER) + "\n" + ",".join(str(c) for c in row) + "\n").encode()
        name = "名单.csv"
    with nothing_changes(allow={"enrollment.rosterimport": 1, "core.auditlog.success": 1}, new_files=1):
        response = upload_roster(agent, agent_app, content, name)
    assert_refused(response, "名单未导入")
    job = agent_app.imports.first()  # the newest
    assert job.status == RosterImport.Status.REJECTED
    assert job.errors == [[2, "姓名", "姓名中含有不允许的空字符（NUL）"]]
    assert sorted(agent_app.roster.values_list("name", flat=True)) == ["职工1", "职工2"]


def test_a_wrong_template_names_every_difference_and_offers_a_new_upload(agent, agent_app):
    content = Factory.roster_xlsx(Factory().people(2), header=["序号", "名字", "身份证号", "电话", "备注"])
    with nothing_changes(allow={"enrollment.rosterimport": 1, "core.auditlog.success": 1}, new_files=1):
        response = upload_roster(agent, agent_app, content)
    text = assert_refused(response, "缺少列：“姓名”、“手机号”、“重大疾病互助保障(份)”")
    assert "多余的列：第2列“名字”、第4列“电话”、第5列“备注”" in text
    assert "模板表头应为：序号 | 姓名 | 身份证号 | 手机号 | 重大疾病互助保障(份)" in text
    assert 'id="upload-new-file"' in text and 'id="import-retry"' not in text


# --- the API: the same entry point, JSON errors ------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (hostile.sparse_corner_template, "表格的使用范围为 A1:XFD1048576"),
        (hostile.decompression_bomb, "文件解压后过大"),
        (lambda: hostile.huge_cell(shared=True), "单元格内容过长"),
    ],
    ids=["sparse-corner", "bomb", "huge-cell"],
)
def test_the_api_refuses_a_hostile_roster_with_a_json_error(api, agent_app, build, message):
    with nothing_changes():
        response = api_roster(api, agent_app, build())
    assert_refused(response, message, status=400)
    assert response.json()["error"]["code"] == "bad_file"


def test_the_api_refuses_a_million_row_roster(api, agent_app, million):
    with nothing_changes():
        response = api_roster(api, agent_app, million)
    assert_refused(response, "超过单次导入上限100000行", status=400)


def test_the_api_refuses_a_raw_body_over_the_limit(api, agent_app, settings):
    settings.ROSTER_MAX_BYTES = 1024 * 1024
    with nothing_changes():
        response = api_roster(api, agent_app, b"PK\x03\x04" + b"\x00" * (2 * 1024 * 1024))
    assert_refused(response, "超过了 1 MB 的上限", status=413)
    assert response.json()["error"]["code"] == "too_large"


def test_the_api_refuses_a_multipart_file_over_the_limit_while_it_streams(api, agent_app, settings):
    settings.ROSTER_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("roster.xlsx", b"PK\x03\x04" + b"\x00" * (2 * 1024 * 1024))
    with nothing_changes():
        response = api.post(f"/api/v1/applications/{agent_app.pk}/roster", {"file": big})
    assert_refused(response, "上传的文件超过了 1 MB 的上限", status=413)


def test_the_api_stores_a_roster_under_a_safe_name_whatever_the_header_says(api, agent_app):
    content = Factory.roster_xlsx(Factory().people(3, first=10))
    response = api_roster(api, agent_app, content, name="../../etc/\u202epasswd.xlsx")
    assert response.status_code == 201, response.content
    job = agent_app.imports.first()  # the newest
    assert job.original_name == "passwd.xlsx"
    assert ".." not in job.file.name and job.file.name.startswith("rosters/")


# --- materials: judged by their content ------------------------------------------------------------------


def upload_material(client, case, content: bytes, name: str, slot="approval_doc"):
    url = reverse("review:material_upload", args=[case.pk])
    return client.post(url, {"slot": slot, "file": SimpleUploadedFile(name, content)}, HTTP_HX_REQUEST="true")


@pytest.fixture
def draft_case(factory):
    unit = factory.unit(materials=False)
    return unit, unit.registration_case


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (hostile.PDF_THEN_HTML, "evil.html", "文件不是有效的 PDF"),
        (hostile.JPEG_THEN_HTML, "photo.jpg", "图片已损坏或不是有效的 JPG/PNG 文件"),
        (hostile.PNG_THEN_PHP, "shell.php", "图片已损坏或不是有效的 JPG/PNG 文件"),
        (hostile.PDF_OPEN_ACTION_JS, "auto.pdf", "PDF 文件含有脚本或自动执行的动作"),
        (hostile.PDF_NAMES_JS, "names.pdf", "PDF 文件含有脚本或自动执行的动作"),
        (hostile.PDF_PAGE_AA, "page-aa.pdf", "PDF 文件含有脚本或自动执行的动作"),
        (hostile.PDF_LAUNCH, "launch.pdf", "PDF 文件含有脚本或自动执行的动作"),
        (hostile.png_bomb(), "bomb.png", "图片像素过多"),
        (hostile.SVG_SCRIPT, "scan.png", "文件类型不支持"),
        (hostile.GIF, "scan.gif", "文件类型不支持"),
        (hostile.PDF_NO_PAGES, "empty.pdf", "文件不是有效的 PDF"),
        (b"", "zero.pdf", "文件是空的"),
    ],
    ids=[
        "pdf-header-then-html",
        "jpeg-header-then-html",
        "png-header-then-php",
        "pdf-openaction-javascript",
        "pdf-names-javascript",
        "pdf-page-additional-actions",
        "pdf-launch-action",
        "png-decompression-bomb",
        "svg-with-script",
        "gif",
        "pdf-without-pages",
        "zero-bytes",
    ],
)
def test_a_material_that_only_pretends_is_refused(draft_case, content, name, message):
    unit, case = draft_case
    client = client_for(unit.agent)
    with nothing_changes():
        response = upload_material(client, case, content, name)
    assert_refused(response, message)


def test_an_encrypted_pdf_is_refused(draft_case):
    unit, case = draft_case
    client = client_for(unit.agent)
    with nothing_changes():
        response = upload_material(client, case, hostile.encrypted_pdf(), "secret.pdf")
    assert_refused(response, "PDF 文件已加密")


def test_a_material_over_the_limit_stops_while_it_streams_in(draft_case, settings):
    unit, case = draft_case
    settings.MATERIAL_MAX_BYTES = 1024 * 1024
    client = client_for(unit.agent)
    with nothing_changes():
        response = upload_material(client, case, b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), "x.pdf")
    assert_refused(response, "上传的文件超过了 1 MB 的上限", status=413)


def test_a_pdf_that_only_opens_at_a_page_is_accepted_and_named_by_its_type(draft_case):
    unit, case = draft_case
    response = upload_material(client_for(unit.agent), case, hostile.PDF_OPEN_AT_PAGE, "批复.html")
    assert "“批复.pdf”上传成功" in response.content.decode()
    material = case.materials.get()
    assert material.file.name.endswith(".pdf") and material.original_name == "批复.pdf"


def test_an_invoice_attachment_that_only_pretends_is_refused(factory):
    unit = factory.approved_unit()
    data = {
        "unit": unit.pk,
        "mode": "multiple",
        "attachment": SimpleUploadedFile("split.pdf", hostile.PDF_THEN_HTML),
    }
    client = client_for(unit.agent)
    with nothing_changes():
        response = client.post(reverse("units:invoice_create"), data)
    assert_refused(response, "文件不是有效的 PDF")


def test_a_binding_form_with_a_script_is_refused(factory):
    target = factory.approved_unit()
    agent = factory.agent(name="王五")
    data = {
        "unit": target.pk,
        "reason": "原代办员离职",
        "form_file": SimpleUploadedFile("表.pdf", hostile.PDF_OPEN_ACTION_JS),
    }
    client = client_for(agent)
    with nothing_changes():
        response = client.post(reverse("units:binding_create"), data)
    assert_refused(response, "PDF 文件含有脚本或自动执行的动作")
