from django.apps import AppConfig


class KeyworkConfig(AppConfig):
    name = "jixiao.keywork"
    label = "keywork"
    verbose_name = "重点工作与督查督办"
