"""manage.py backup PATH: the database and every uploaded file in one archive (备份), audited."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jixiao.audit import context
from jixiao.backup import actions
from jixiao.backup.archive import BackupProblem


class Command(BaseCommand):
    help = "备份：把数据库与全部上传文件写入一个备份文件（含版本与校验值清单）。PATH 为文件名，或已有目录（自动命名）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径（.zip），或已有目录")

    def handle(self, *args, path, **options):
        token = context.bind(context.Actor(username="backup", request_id=context.new_request_id()))
        try:
            made = actions.create_backup(Path(path))
        except BackupProblem as problem:
            raise CommandError(str(problem)) from None
        finally:
            context.reset(token)
        manifest = made.manifest
        media = manifest.media_members
        self.stdout.write(self.style.SUCCESS(f"备份完成：{made.path}"))
        self.stdout.write(
            f"大小 {made.size / 1024 / 1024:.1f} MB，SHA-256 {made.sha256}\n"
            f"数据库 {manifest.database['engine']} {manifest.database['server_version']}"
            f"（{manifest.database_member.size / 1024 / 1024:.1f} MB），上传文件 {len(media)} 个"
            f"（{sum(m.size for m in media) / 1024 / 1024:.1f} MB），程序版本 {manifest.app['version'] or '未知'}"
            f"{'（' + manifest.app['commit'][:12] + '）' if manifest.app['commit'] else ''}")
