from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "backups"
    verbose_name = "Backups"

    def ready(self) -> None:
        from backups import serializer

        serializer.register()
