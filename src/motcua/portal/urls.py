from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_search, name="procedure_search"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("dang-nhap/", views.login_start, name="login"),
    path("dang-nhap/xong/", views.login_callback, name="login_callback"),
    path("dang-xuat/", views.logout_view, name="logout"),
]
