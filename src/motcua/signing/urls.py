"""Public verification of issued documents: ``/xac-thuc/<id>/`` and its English address ``/verify/<id>/``."""

from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("xac-thuc/<str:public_id>/", views.verify, name="verify"),
    path("verify/<str:public_id>/", views.verify, {"language": "en"}, name="verify_en"),
]
