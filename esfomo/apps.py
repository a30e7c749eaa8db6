from django.apps import AppConfig


class EsfomoConfig(AppConfig):
    name = "esfomo"
    verbose_name = "Site"

    def ready(self):
        from . import signals

        signals.connect()
