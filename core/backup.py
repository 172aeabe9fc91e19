"""Backups of the database and of every stored file, and their restore (`manage.py backup` / `restore`).

A backup is a folder:

    manifest.json        format, engine, when, row count per table, and size + SHA-256 of every file
    database.sqlite3     SQLite: a consistent copy made with SQLite's online backup API, or
    database.dump        PostgreSQL: `pg_dump --format=custom`, taken from an exported snapshot
    files/<name>         every stored file (materials, rosters, notices…) under its storage name

The database is copied first and the files after it: files are written once under random names and
never changed, so every file the copied database refers to is in the backup. The row counts come from
the copy itself (SQLite) or from the same snapshot pg_dump reads (PostgreSQL). `restore` checks the whole
backup against its manifest before it touches anything, and refuses a damaged one.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction

from core.health import PROBE_PREFIX
from core.storage import walk

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why, in words for the operator."""


@dataclass
class Restored:
    tables: int
    rows: int
    files_written: int
    files_unchanged: int
    files_not_in_backup: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"不支持的数据库：{connection.vendor}（只支持 SQLite 和 PostgreSQL）")
    return connection.vendor


def _pg_command(program: str, *args: str) -> tuple[list[str], dict]:
    db = connection.settings_dict
    command = [program, "--dbname", db["NAME"], "--no-password"]
    if db.get("HOST"):
        command += ["--host", db["HOST"]]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return [*command, *args], env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（postgresql-client）")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[-2000:]}")


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master"
                " WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
    db.close()
    return counts


def _live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _dump_database(target: Path) -> dict[str, int]:
    """Copy the database to TARGET; return the row count of every table as copied."""
    if _engine() == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return _sqlite_counts(target)
    # PostgreSQL: count the rows in the very snapshot pg_dump reads.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _live_counts()
        command, env = _pg_command(
            "pg_dump", "--format=custom", "--no-owner", "--snapshot", snapshot, "--file", str(target)
        )
        _run(command, env)
    return counts


def create_backup(dest: Path) -> dict:
    """Write a backup into DEST (a new or empty folder); return its manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"目标文件夹 {dest} 不是空的：请为每次备份指定一个新文件夹")
    engine = _engine()
    (dest / "files").mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    database_file = dest / DATABASE_FILES[engine]
    tables = _dump_database(database_file)

    entries = []
    for name in walk(default_storage):
        if name.startswith(f"{PROBE_PREFIX}/"):
            continue
        target = dest / "files" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with default_storage.open(name, "rb") as source, open(target, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        entries.append({"name": name, "size": size, "sha256": digest.hexdigest()})

    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(timespec="seconds"),
        "engine": engine,
        "database": {
            "file": database_file.name,
            "size": database_file.stat().st_size,
            "sha256": sha256_file(database_file),
        },
        "tables": tables,
        "rows": sum(tables.values()),
        "files": {"count": len(entries), "bytes": sum(e["size"] for e in entries), "entries": entries},
    }
    # The manifest is written last: a folder without one is an unfinished backup.
    partial = dest / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    partial.rename(dest / MANIFEST)
    return manifest


def verify_backup(src: Path) -> dict:
    """Check every file of the backup in SRC against its manifest; return the manifest or raise."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text())
        database = manifest["database"]
        entries = manifest["files"]["entries"]
        if not isinstance(manifest["tables"], dict) or not manifest["engine"]:
            raise ValueError
    except FileNotFoundError:
        raise BackupError(f"{src} 中没有 {MANIFEST}：这不是一份完整的备份") from None
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{src}/{MANIFEST} 已损坏，无法读取") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')!r} 不是本程序能恢复的格式 {FORMAT}")

    problems = []
    checks = [(src / database["file"], database["file"], database)]
    checks += [(src / "files" / e["name"], f"files/{e['name']}", e) for e in entries]
    for path, label, expected in checks:
        resolved = path.resolve()
        if not resolved.is_relative_to(src.resolve()):
            problems.append(f"{label}：路径超出备份文件夹")
        elif not path.is_file():
            problems.append(f"{label}：文件缺失")
        elif path.stat().st_size != expected["size"]:
            problems.append(f"{label}：大小 {path.stat().st_size} 字节，清单记录为 {expected['size']} 字节")
        elif sha256_file(path) != expected["sha256"]:
            problems.append(f"{label}：SHA-256 与清单不符（内容已改变或损坏）")
    if problems:
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  …另有 {len(problems) - 20} 处" if len(problems) > 20 else ""
        raise BackupError(f"备份已损坏，未做任何恢复（{len(problems)} 处问题）：\n{shown}{more}")
    return manifest


def restore_backup(src: Path) -> Restored:
    """Verify the backup in SRC, then replace the database with it and put back every stored file."""
    src = Path(src)
    manifest = verify_backup(src)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"这是 {manifest['engine']} 数据库的备份，不能恢复到当前的 {engine} 数据库")

    database_file = src / manifest["database"]["file"]
    connection.close()
    if engine == "sqlite":
        source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        command, env = _pg_command(
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(database_file)
        )
        _run(command, env)
    counts = _live_counts()
    if counts != manifest["tables"]:
        differ = sorted(
            t for t in set(counts) | set(manifest["tables"]) if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"恢复后的数据行数与清单不符：{', '.join(differ[:10])}")

    written = unchanged = 0
    for entry in manifest["files"]["entries"]:
        name, path = entry["name"], src / "files" / entry["name"]
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as current:
                digest = hashlib.sha256()
                while chunk := current.read(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() == entry["sha256"]:
                unchanged += 1
                continue
            default_storage.delete(name)
        with open(path, "rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"文件 {name} 未能按原名写回存储（写成了 {saved}）")
        written += 1
    known = {e["name"] for e in manifest["files"]["entries"]}
    extra = sum(
        1 for name in walk(default_storage) if name not in known and not name.startswith(PROBE_PREFIX)
    )
    return Restored(
        tables=len(counts),
        rows=sum(counts.values()),
        files_written=written,
        files_unchanged=unchanged,
        files_not_in_backup=extra,
    )
