from django.urls import URLPattern, path

from motcua.workspace import auth_views
from motcua.workspace.views import actions, apologies, dossier, files, inbox, reception, register, results

app_name = "workspace"
urlpatterns: list[URLPattern] = [
    path("", inbox.inbox, name="inbox"),
    path("dang-nhap/", auth_views.login, name="login"),
    path("dang-nhap/xac-thuc/", auth_views.verify, name="verify"),
    path("dang-nhap/cai-dat-xac-thuc/", auth_views.enrol, name="enrol"),
    path("dang-xuat/", auth_views.logout, name="logout"),
    path("kich-hoat/", auth_views.activate, name="activate"),
    path("kich-hoat/<str:token>/", auth_views.enrolment_link, name="enrolment_link"),
    path("xin-loi/", apologies.apologies, name="apologies"),
    path("ho-so/<str:code>/", dossier.dossier_page, name="dossier"),
    path("ho-so/<str:code>/thao-tac/", actions.dossier_action, name="dossier_action"),
    path("ho-so/<str:code>/phieu/<slug:kind>.pdf", files.slip, name="slip"),
    path("ho-so/<str:code>/xin-loi/", apologies.draft_apology, name="draft_apology"),
    path("ho-so/<str:code>/xin-loi/<int:notice_id>/ky/", apologies.sign_apology, name="sign_apology"),
    path("ho-so/<str:code>/ket-qua/", results.attach_result, name="attach_result"),
    path("ho-so/<str:code>/ket-qua/<int:result_id>/", files.result_file, name="result_file"),
    path("ho-so/<str:code>/ket-qua/<int:result_id>/go/", results.remove_result, name="remove_result"),
    path("ho-so/<str:code>/giay-to/<int:document_id>/", files.document_file, name="document_file"),
    path("ho-so/<str:code>/to-khai/<slug:field>/", files.form_file, name="form_file"),
    path("tiep-nhan/", reception.counter_reception, name="reception"),
    path("so-theo-doi/", register.register, name="register"),
]
