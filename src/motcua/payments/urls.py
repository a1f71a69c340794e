from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("thanh-toan/thong-bao/", views.callback, name="callback"),
    path("thanh-toan/bien-lai/<str:code>/", views.receipt, name="receipt"),
]
