"""python manage.py restore SRC — verify a backup against its manifest, then restore it (core.backup).

Stop the web servers and workers first: the database is replaced as a whole.
"""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = "Restore the database and stored files from a backup folder made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("src")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the database")
        parser.add_argument("--verify-only", action="store_true", help="check the backup, change nothing")

    def handle(self, *args, src, yes, verify_only, **options):
        try:
            manifest = verify_backup(src)
            self.stdout.write(
                f"备份完好：{manifest['created_at']}，{manifest['engine']}，{manifest['rows']} 行，"
                f"{manifest['files']['count']} 个文件"
            )
            if verify_only:
                return
            if not yes:
                answer = input("恢复将用备份替换当前数据库的全部数据。输入 yes 继续：")
                if answer.strip().lower() != "yes":
                    raise CommandError("已取消，未做任何更改")
            done = restore_backup(src)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except EOFError:
            raise CommandError("需要确认：在终端中运行，或加 --yes") from None
        self.stdout.write(
            f"恢复完成：{done.tables} 张表 {done.rows} 行；文件写回 {done.files_written} 个，"
            f"原已一致 {done.files_unchanged} 个；存储中另有 {done.files_not_in_backup} 个备份之后的文件未动"
        )
