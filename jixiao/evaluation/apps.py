from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "jixiao.evaluation"
    label = "evaluation"
    verbose_name = "综合评议"
