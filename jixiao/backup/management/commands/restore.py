"""manage.py restore PATH [--force] [--check]: put an archive's database and uploaded files back (恢复), audited.

The archive is checked whole first (manifest, every member's size and SHA-256, engine, migrations); a damaged,
truncated or mismatched archive is refused and nothing changes. A database that holds data is replaced only with
--force. After the restore the audit chain is verified, as `verify_audit` does.
"""

import datetime
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jixiao.audit import context
from jixiao.backup import actions
from jixiao.backup.archive import BackupProblem


class Command(BaseCommand):
    help = "恢复：校验备份文件后，用其中的数据库与上传文件替换当前的（全部替换）。数据库已有数据时须加 --force。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径（.zip）")
        parser.add_argument("--force", action="store_true", help="当前数据库已有数据时仍然恢复（替换全部数据）")
        parser.add_argument("--check", action="store_true", help="只校验备份文件能否在本机恢复，不做任何改动")

    def handle(self, *args, path, force=False, check=False, **options):
        token = context.bind(context.Actor(username="restore", request_id=context.new_request_id()))
        try:
            if check:
                manifest = actions.check_backup(Path(path))
                self.stdout.write(self.style.SUCCESS(f"备份文件完好，可在本机恢复：{describe(manifest)}"))
                return
            done = actions.restore_backup(Path(path), force=force)
        except BackupProblem as problem:
            raise CommandError(str(problem)) from None
        finally:
            context.reset(token)
        self.stdout.write(self.style.SUCCESS(f"恢复完成：{describe(done.manifest)}"))
        if done.migrated:
            self.stdout.write("备份来自较早的程序版本，已执行数据库迁移（migrate）到当前版本。")
        if done.anchors_set_aside:
            self.stdout.write(f"外部锚点文件已移至 {done.anchors_set_aside}：其中登记的审计记录多于恢复后的审计日志"
                              "（恢复回到了备份时），原文件留存备查；每日定时任务将为恢复后的日志重新记录锚点。")
        try:
            call_command("verify_audit", stdout=self.stdout, stderr=self.stderr)
        except SystemExit:
            raise CommandError("恢复已完成，但审计日志校验未通过，详见上方输出。") from None


def describe(manifest) -> str:
    media = manifest.media_members
    commit = manifest.app.get("commit", "")
    return (f"备份时间 {_local(manifest.created_at)}，数据库 {manifest.database.get('engine')} "
            f"{manifest.database.get('server_version')}，上传文件 {len(media)} 个，"
            f"程序版本 {manifest.app.get('version') or '未知'}{'（' + commit[:12] + '）' if commit else ''}")


def _local(moment: str) -> str:
    try:
        return f"{timezone.localtime(datetime.datetime.fromisoformat(moment)):%Y-%m-%d %H:%M:%S}"
    except ValueError:
        return moment
