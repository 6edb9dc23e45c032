from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "jixiao.cadres"
    label = "cadres"
    verbose_name = "班子和干部考核"
