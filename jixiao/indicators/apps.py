from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "jixiao.indicators"
    label = "indicators"
    verbose_name = "指标体系与目标管理"
