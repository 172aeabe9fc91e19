"""`manage.py backup` / `restore` (core.backup): a round trip brings every business and every stored file
back byte for byte, on SQLite and on PostgreSQL (whichever the suite runs on); a damaged backup is refused
before anything is touched."""

import io
import json

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from accounts.models import User
from billing.services import payment_notice_document
from core.health import PROBE_PREFIX
from core.storage import walk
from review.models import Material
from units.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


def database_rows() -> dict:
    """Every row of every table the project's models know, in primary-key order."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def stored_files() -> dict[str, bytes]:
    files = {}
    for name in walk(default_storage):
        if not name.startswith(PROBE_PREFIX):
            with default_storage.open(name, "rb") as handle:
                files[name] = handle.read()
    return files


@pytest.fixture
def businesses(factory):
    """A registered unit with its materials, an effective enrollment (roster file, issued notice PDF) and a
    claim with its materials."""
    unit = factory.approved_unit()
    application = factory.effective_application(factory.application(unit, rows=factory.people(5)))
    payment_notice_document(notice=application.payment_notice)
    factory.claim_materials(factory.claim(unit, factory.covered_member(unit)))
    return unit


@pytest.fixture
def backup(businesses, tmp_path):
    dest = tmp_path / "backup-1"
    call_command("backup", str(dest), stdout=io.StringIO())
    return dest


def test_a_round_trip_brings_every_business_and_file_back_byte_for_byte(businesses, tmp_path):
    rows, files = database_rows(), stored_files()
    assert {name.split("/")[0] for name in files} >= {"materials", "rosters", "notices"}
    dest = tmp_path / "backup"
    call_command("backup", str(dest), stdout=io.StringIO())
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["files"]["count"] == len(files)
    assert manifest["tables"]["units_unit"] == Unit.objects.count()
    assert {e["name"] for e in manifest["files"]["entries"]} == set(files)

    # Then things go wrong: data changed, a file lost, a file overwritten, a new file, a new user.
    Unit.objects.update(name="被误改的单位名称")
    User.objects.create_user(username="intruder", password="x")
    lost, changed = sorted(files)[:2]
    default_storage.delete(lost)
    default_storage.delete(changed)
    default_storage.save(changed, ContentFile(b"not the original"))
    default_storage.save("materials/after-backup.pdf", ContentFile(b"%PDF-1.4 later"))

    call_command("restore", str(dest), "--yes", stdout=io.StringIO())

    assert database_rows() == rows
    restored = stored_files()
    assert restored.pop("materials/after-backup.pdf") == b"%PDF-1.4 later"  # newer files are left alone
    assert restored == files


def test_restore_refuses_a_backup_whose_file_was_damaged_and_changes_nothing(backup):
    material = Material.objects.first()
    copy = backup / "files" / material.file.name
    damaged = bytearray(copy.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    copy.write_bytes(bytes(damaged))
    Unit.objects.update(name="备份之后改的名称")
    before_rows, before_files = database_rows(), stored_files()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backup), "--yes")

    assert "备份已损坏，未做任何恢复" in str(refused.value)
    assert f"files/{material.file.name}：SHA-256 与清单不符" in str(refused.value)
    assert database_rows() == before_rows and stored_files() == before_files


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: (b / "manifest.json").unlink(), "没有 manifest.json：这不是一份完整的备份"),
        (lambda b: (b / "manifest.json").write_text("{not json"), "manifest.json 已损坏"),
        (lambda b: next(b.glob("database.*")).write_bytes(b"truncated"), "大小 9 字节"),
        (lambda b: next((b / "files").rglob("*.pdf")).unlink(), "文件缺失"),
    ],
    ids=["no-manifest", "bad-manifest", "truncated-database", "missing-file"],
)
def test_restore_refuses_an_incomplete_or_damaged_backup(backup, damage, message):
    damage(backup)
    User.objects.create_user(username="made-after-the-backup", password="x")

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(backup), "--yes")

    assert User.objects.filter(username="made-after-the-backup").exists()


def test_restore_refuses_a_backup_of_another_database_engine(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["engine"] = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"
    (backup / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="数据库的备份，不能恢复到当前的"):
        call_command("restore", str(backup), "--yes")


def test_verify_only_checks_and_changes_nothing(backup, capsys):
    User.objects.create_user(username="made-after-the-backup", password="x")

    call_command("restore", str(backup), "--verify-only")

    assert "备份完好" in capsys.readouterr().out
    assert User.objects.filter(username="made-after-the-backup").exists()


def test_a_backup_is_never_written_into_a_folder_that_holds_something(businesses, tmp_path):
    (tmp_path / "old.txt").write_text("keep me")

    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", str(tmp_path))

    assert (tmp_path / "old.txt").read_text() == "keep me"
