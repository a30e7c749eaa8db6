from django.apps import AppConfig, apps
from django.db.models.signals import post_delete


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and sponsors"

    def ready(self):
        from esfomo.common import images

        # Every model with managed images (editions' banners too) loses its files when deleted.
        for model in apps.get_models():
            if issubclass(model, images.StoredImages):
                post_delete.connect(
                    images.remove_files_of_deleted, sender=model, dispatch_uid=f"image-files-{model._meta.label}"
                )
