from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "jixiao.analysis"
    label = "analysis"
    verbose_name = "绩效分析"
