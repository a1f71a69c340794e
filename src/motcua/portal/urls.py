from django.urls import path

from . import dossier_views, unit_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_search, name="procedure_search"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/nop/", dossier_views.eform, name="eform"),
    path("ho-so/", dossier_views.my_dossiers, name="my_dossiers"),
    path("ho-so/<str:code>/", dossier_views.my_dossier, name="my_dossier"),
    path("ho-so/<str:code>/bo-sung/", dossier_views.supply, name="supply"),
    path("ho-so/<str:code>/rut/", dossier_views.withdraw, name="withdraw"),
    path("ho-so/<str:code>/phieu/<str:kind>/", dossier_views.slip, name="slip"),
    path("ho-so/<str:code>/ket-qua/<int:result_id>/", dossier_views.result_file, name="result_file"),
    path("ho-so/<str:code>/giay-to/<int:document_id>/", dossier_views.document_file, name="document_file"),
    path("ho-so/<str:code>/to-khai/<slug:field>/", dossier_views.form_file, name="form_file"),
    path("ho-so/<str:code>/danh-gia/", dossier_views.rate, name="rate"),
    path("tra-cuu/", dossier_views.lookup, name="lookup"),
    path("xa-phuong/", unit_views.communes, name="communes"),
    path("tra-cuu/danh-gia/", dossier_views.lookup_rate, name="lookup_rate"),
    path("dang-nhap/", views.login_start, name="login"),
    path("dang-nhap/xong/", views.login_callback, name="login_callback"),
    path("dang-xuat/", views.logout_view, name="logout"),
]
