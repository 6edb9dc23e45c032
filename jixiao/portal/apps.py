from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jixiao.portal"
    label = "portal"
    verbose_name = "门户网站"

    def ready(self):
        from jixiao.portal import cache

        cache.connect()  # a change to anything public raises the cached pages' generation (portal/cache.py)
