"""The home page: the province, its communes and wards, its agencies."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    directory = selectors.province_directory(
        province_code=settings.MOTCUA_PROVINCE_CODE, on=timezone.localdate()
    )
    return render(request, "org/home.html", {"directory": directory})
