from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EsfomoConfig(AppConfig):
    name = "esfomo"
    verbose_name = "Site"

    def ready(self):
        from . import readiness
        from .content import groups, history, signals

        signals.connect()
        history.register_models()
        readiness.discover()
        post_migrate.connect(groups.ensure_organizers_group, sender=self, dispatch_uid="organizers-group")
