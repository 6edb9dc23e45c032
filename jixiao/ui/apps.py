from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "jixiao.ui"
    label = "ui"
    verbose_name = "界面"
