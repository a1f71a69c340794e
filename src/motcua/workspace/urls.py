from django.urls import URLPattern, path

from motcua.workspace import auth_views, views

app_name = "workspace"
urlpatterns: list[URLPattern] = [
    path("", views.inbox, name="inbox"),
    path("dang-nhap/", auth_views.login, name="login"),
    path("dang-nhap/xac-thuc/", auth_views.verify, name="verify"),
    path("dang-nhap/cai-dat-xac-thuc/", auth_views.enrol, name="enrol"),
    path("dang-xuat/", auth_views.logout, name="logout"),
    path("ho-so/<str:code>/", views.dossier_page, name="dossier"),
    path("ho-so/<str:code>/thao-tac/", views.dossier_action, name="dossier_action"),
    path("ho-so/<str:code>/phieu/<slug:kind>.pdf", views.slip, name="slip"),
    path("tiep-nhan/", views.counter_reception, name="reception"),
]
