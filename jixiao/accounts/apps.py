from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jixiao.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from jixiao.accounts import checks  # noqa: F401  registers the deploy checks
