from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jixiao.notifications"
    label = "notifications"
    verbose_name = "站内信"
