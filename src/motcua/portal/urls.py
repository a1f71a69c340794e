from django.urls import path

from . import account_views, notification_views, store_views, unit_views, views
from .dossier_views import eform, files, lookup, my_dossiers, prefill

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_search, name="procedure_search"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/nop/", eform.eform, name="eform"),
    path("thu-tuc/<str:code>/nop/lay-thong-tin/<str:source>/", prefill.consent, name="prefill_consent"),
    path("ho-so/", my_dossiers.my_dossiers, name="my_dossiers"),
    path("ho-so/<str:code>/", my_dossiers.my_dossier, name="my_dossier"),
    path("ho-so/<str:code>/xac-nhan/", my_dossiers.confirm, name="confirm"),
    path("ho-so/<str:code>/da-nop/", my_dossiers.submitted, name="submitted"),
    path("ho-so/<str:code>/giay-xac-nhan-nop/", files.submission_receipt, name="submission_receipt"),
    path("ho-so/<str:code>/bo-sung/", my_dossiers.supply, name="supply"),
    path("ho-so/<str:code>/rut/", my_dossiers.withdraw, name="withdraw"),
    path("ho-so/<str:code>/phieu/<str:kind>/", files.slip, name="slip"),
    path("ho-so/<str:code>/ket-qua/<int:result_id>/", files.result_file, name="result_file"),
    path("ho-so/<str:code>/giay-to/<int:document_id>/", files.document_file, name="document_file"),
    path("ho-so/<str:code>/van-ban/<str:public_id>.pdf", files.issued_document, name="issued_document"),
    path("ho-so/<str:code>/to-khai/<slug:field>/", files.form_file, name="form_file"),
    path("ho-so/<str:code>/danh-gia/", my_dossiers.rate, name="rate"),
    path("kho-du-lieu/", store_views.my_store, name="my_store"),
    path("kho-du-lieu/<int:pk>/", store_views.stored_file, name="stored_file"),
    path("tra-cuu/", lookup.lookup, name="lookup"),
    path("xa-phuong/", unit_views.communes, name="communes"),
    path("tra-cuu/danh-gia/", lookup.lookup_rate, name="lookup_rate"),
    path("tai-khoan/", account_views.account, name="account"),
    path("thong-bao/", notification_views.notifications, name="notifications"),
    path("thong-bao/da-doc/", notification_views.notifications_read, name="notifications_read"),
    path("thong-bao/<int:pk>/", notification_views.notification, name="notification"),
    path("tai-khoan/thong-bao/", notification_views.notification_settings, name="notification_settings"),
    path("tai-khoan/dong-y/<int:consent_id>/rut/", account_views.withdraw_consent, name="withdraw_consent"),
    path("dang-nhap/", views.login_start, name="login"),
    path("dang-nhap/xong/", views.login_callback, name="login_callback"),
    path("dang-xuat/", views.logout_view, name="logout"),
]
