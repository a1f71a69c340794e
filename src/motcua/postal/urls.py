from django.urls import path

from motcua.postal import views

app_name = "postal"

urlpatterns = [
    path("callback/", views.callback, name="callback"),
    path("bien-ban/<int:pk>/", views.handover, name="handover"),
]
