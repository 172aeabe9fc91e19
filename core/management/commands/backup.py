"""python manage.py backup DEST — the database and every stored file into a new folder (core.backup)."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and all stored files into DEST (a new or empty folder), with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("dest")

    def handle(self, *args, dest, **options):
        try:
            manifest = create_backup(dest)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"备份完成：{dest}  数据库 {manifest['engine']}"
            f"（{len(manifest['tables'])} 张表，{manifest['rows']} 行），"
            f"文件 {manifest['files']['count']} 个（{manifest['files']['bytes']} 字节）"
        )
