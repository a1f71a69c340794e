from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """No models: the demo world and the commands that run motcua (demo, serve, worker)."""

    name = "motcua.operations"
    label = "operations"
