from django.apps import AppConfig


class EsfomoConfig(AppConfig):
    name = "esfomo"
    verbose_name = "Site"

    def ready(self):
        from . import readiness
        from .content import history, signals

        signals.connect()
        history.register_models()
        readiness.discover()
