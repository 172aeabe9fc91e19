"""Walking the file storage (local disk or an S3 bucket) through Django's storage API."""

from collections.abc import Iterator

from django.core.files.storage import Storage


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
