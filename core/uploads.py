"""Upload checks shared by every business: the type is decided by the file's content, not its name.

- `check_material` accepts a PDF that pypdf parses (unencrypted, at least one page, no JavaScript,
  launch or automatic actions) or a JPEG/PNG that Pillow decodes (bounded pixel count), and returns its
  kind. Stored names (`storage_name`) and shown/downloaded names (`display_name`) carry the extension of
  the detected kind, never the user's.
- `LimitedUploadHandler` (first in FILE_UPLOAD_HANDLERS) counts the bytes of each file while the body
  streams in and stops the upload at the view's limit (`@upload_limit("ROSTER_MAX_BYTES")`; default
  MATERIAL_MAX_BYTES); core.middleware.RequestLimitsMiddleware answers with a Chinese 413.
"""

import hashlib
import os
import uuid
import warnings

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from core.errors import BadFile, ErrorCode
from core.text import clean_filename

# Leading bytes of the formats we accept for materials (the content check decides; this picks the checker).
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
MATERIAL_KINDS = ("pdf", "jpeg", "png")
ACTIVE_PDF = "PDF 文件含有脚本或自动执行的动作，出于安全原因不能上传：请打印为普通 PDF 后上传"
NOT_A_MATERIAL = "文件类型不支持：只能上传 PDF、JPG 或 PNG 文件（按文件内容识别，改扩展名无效）"

# PDF keys and action types that run something when the file is opened or touched.
PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/Launch", "/XFA", "/RichMedia", "/EmbeddedFiles"}
PDF_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/RichMediaExecute",
    "/Rendition",
}
PDF_MAX_OBJECTS = 200_000


def sniff(upload) -> str | None:
    """The kind of file by its first bytes ("pdf", "jpeg", "png") or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind, prefixes in SIGNATURES.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            return kind
    return None


def check_material(upload) -> str:
    """Refuse what is not a real PDF/JPEG/PNG of at most MATERIAL_MAX_BYTES; return its kind."""
    if upload is None:
        raise BadFile("请选择要上传的文件")
    limit = settings.MATERIAL_MAX_BYTES
    if upload.size > limit:
        raise BadFile(
            f"文件过大：{upload.size / 1048576:.1f} MB，单个文件不能超过 {limit // 1048576} MB",
            code=ErrorCode.TOO_LARGE,
        )
    if upload.size == 0:
        raise BadFile("文件是空的，请重新选择")
    kind = sniff(upload)
    if kind == "pdf":
        _check_pdf(upload)
    elif kind in ("jpeg", "png"):
        _check_image(upload, kind)
    else:
        raise BadFile(NOT_A_MATERIAL)
    upload.seek(0)
    return kind


def _check_pdf(upload) -> None:
    from pypdf import PdfReader

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise BadFile("PDF 文件已加密，无法查看：请上传未加密的 PDF")
        if len(reader.pages) == 0:
            raise BadFile("PDF 文件没有页面，请重新选择")
        _refuse_active_pdf(reader)
    except BadFile:
        raise
    except Exception:
        raise BadFile("文件不是有效的 PDF（已损坏或只是改了扩展名），请重新选择") from None


def _refuse_active_pdf(reader) -> None:
    """Walk every object reachable from the trailer; refuse scripts, launch and automatic actions.

    An /OpenAction that is only a destination (open at page 1, fit width) is harmless and allowed.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack, seen, visited = [reader.trailer], set(), 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise BadFile("PDF 文件结构过于复杂，无法检查，请另存或扫描后重新上传")
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                target = value.get_object() if isinstance(value, IndirectObject) else value
                if key in PDF_ACTIVE_KEYS or (key == "/OpenAction" and isinstance(target, DictionaryObject)):
                    raise BadFile(ACTIVE_PDF)
                if key == "/S" and target in PDF_ACTIVE_ACTIONS:
                    raise BadFile(ACTIVE_PDF)
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)


def _check_image(upload, kind: str) -> None:
    from PIL import Image

    expected = {"jpeg": "JPEG", "png": "PNG"}[kind]
    limit = settings.IMAGE_MAX_PIXELS
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected:
                    raise BadFile(NOT_A_MATERIAL)
                if image.width * image.height > limit:
                    raise BadFile(
                        f"图片像素过多（{image.width}×{image.height}），"
                        f"请缩小到 {limit // 1_000_000} 百万像素以内"
                    )
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                if kind == "jpeg":  # decode at 1/8 scale: every block is read, little memory is used
                    image.draft("RGB", (max(image.width // 8, 1), max(image.height // 8, 1)))
                image.load()
    except BadFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadFile(f"图片像素过多，请缩小到 {limit // 1_000_000} 百万像素以内后重新上传") from None
    except Exception:
        raise BadFile("图片已损坏或不是有效的 JPG/PNG 文件（改扩展名无效），请重新选择") from None


def display_name(original: str, kind: str) -> str:
    """The name shown and used for downloads: the user's name with the detected kind's extension."""
    stem = os.path.splitext(clean_filename(original, default="材料"))[0] or "材料"
    return stem[:190] + EXTENSIONS[kind]


def storage_name(kind: str) -> str:
    """What to pass to FieldFile.save(): PrivateUploadTo keeps only this extension."""
    return "upload" + EXTENSIONS[kind]


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@deconstructible
class PrivateUploadTo:
    """upload_to: <prefix>/<yyyy>/<mm>/<random hex><ext> — never the user's file name, never guessable."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename):
        ext = os.path.splitext(filename)[1].lower()
        ext = ext if ext[1:].isalnum() and len(ext) <= 5 else ""
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.prefix == self.prefix


# --- the size limit while the body streams in --------------------------------------------------------


def upload_limit(setting_name: str):
    """View decorator: files posted to this view may be up to settings.<setting_name> bytes."""

    def decorate(view):
        view.upload_limit_setting = setting_name
        return view

    return decorate


def upload_limit_for(request, default: str = "MATERIAL_MAX_BYTES") -> int:
    """The byte limit for one uploaded file at this URL: the view's @upload_limit, else settings.<default>."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        view = None
    return getattr(settings, getattr(view, "upload_limit_setting", default))


class UploadTooLarge(StopUpload):
    """Stop reading the body: one file went past the limit (RequestLimitsMiddleware answers 413)."""

    def __init__(self, limit: int):
        super().__init__(connection_reset=True)
        self.limit = limit


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each uploaded file as they arrive and stops at the URL's limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = upload_limit_for(self.request)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = self.limit
            raise UploadTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size):
        return None
