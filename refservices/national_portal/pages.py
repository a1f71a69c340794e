"""Citizen pages of the reference portal (Vietnamese): submit a dossier, follow its status."""

from __future__ import annotations

from flask import Flask

from .app import Config
from .store import Store


def register_pages(app: Flask, config: Config, store: Store) -> None:
    @app.get("/")
    def index() -> str:
        return "Cổng Dịch vụ công quốc gia (dịch vụ tham chiếu)"
