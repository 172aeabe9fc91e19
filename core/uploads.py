"""Upload checks shared by every business: the type is decided by the file's content, not its name."""

import hashlib
import os
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from core.errors import BadFile

# Leading bytes of the formats we accept for materials.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
MATERIAL_KINDS = ("pdf", "jpeg", "png")


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
    """Refuse what is not a PDF/JPEG/PNG of at most MATERIAL_MAX_BYTES; return its kind."""
    if upload is None:
        raise BadFile("请选择要上传的文件")
    limit = settings.MATERIAL_MAX_BYTES
    if upload.size > limit:
        raise BadFile(f"文件过大：{upload.size / 1048576:.1f} MB，单个文件不能超过 {limit // 1048576} MB")
    if upload.size == 0:
        raise BadFile("文件是空的，请重新选择")
    kind = sniff(upload)
    if kind not in MATERIAL_KINDS:
        raise BadFile("文件类型不支持：只能上传 PDF、JPG 或 PNG 文件（按文件内容识别，改扩展名无效）")
    return kind


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
        ext = os.path.splitext(filename)[1].lower()[:8]
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.prefix == self.prefix
