"""Uploaded files (materials, rosters, invoice attachments) are encrypted before they reach the storage
backend (local disk or S3), with the same keys as the encrypted columns (core.crypto). Files stored before
encryption was introduced are still read (they do not start like a Fernet token). `walk` lists every
stored file name (backups read the raw, encrypted bytes)."""

from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible

from core.crypto import decrypt_bytes, encrypt_bytes, is_token


@deconstructible
class EncryptedStorage(Storage):
    """Wraps the default storage: bytes are encrypted on save and decrypted on open."""

    @property
    def inner(self) -> Storage:
        return storages["default"]

    def _save(self, name, content):
        content.seek(0)
        token = encrypt_bytes(b"".join(content.chunks()))
        return self.inner.save(name, ContentFile(token))

    def _open(self, name, mode="rb"):
        with self.inner.open(name, "rb") as handle:
            raw = handle.read()
        return ContentFile(decrypt_bytes(raw) if is_token(raw) else raw, name=name)

    def raw_bytes(self, name) -> bytes:
        with self.inner.open(name, "rb") as handle:
            return handle.read()

    def replace_raw(self, name, data: bytes) -> None:
        """Overwrite a stored file with new (already encrypted) bytes under the same name."""
        self.inner.delete(name)
        saved = self.inner.save(name, ContentFile(data))
        assert saved == name, (saved, name)

    def get_available_name(self, name, max_length=None):
        return self.inner.get_available_name(name, max_length=max_length)

    def delete(self, name):
        self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def size(self, name):
        return self.inner.size(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def url(self, name):
        raise NotImplementedError("private files are streamed by views that check access")


def private_storage() -> Storage:
    return EncryptedStorage()


def walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every stored file name under FOLDER, depth first, in a stable (sorted) order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)
