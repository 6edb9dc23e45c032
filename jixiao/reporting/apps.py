from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "jixiao.reporting"
    label = "reporting"
    verbose_name = "网上报件与审核"
