from django.apps import AppConfig


class BackupConfig(AppConfig):
    """Backup and restore (备份与恢复): the `backup` and `restore` commands and the daily backup."""

    name = "jixiao.backup"
    label = "backup"
    verbose_name = "备份与恢复"
