from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jixiao.demo"
    label = "demo"
    verbose_name = "示范数据"
