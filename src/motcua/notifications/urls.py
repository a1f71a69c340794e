from django.urls import path

from motcua.notifications import views

app_name = "notifications"

urlpatterns = [
    path("sms/bien-nhan/", views.sms_receipt, name="sms_receipt"),
]
