from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "jixiao.results"
    label = "results"
    verbose_name = "结果运用"
