"""The filled e-form (tờ khai) as the citizen and the officers read it: labels, unit names, persons, files."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Dossier
from workspace.conftest import log_in, officer

from .test_eform import logged_in, make_citizen, media_in_tmp
from .test_eform_widgets import DEATH, PNG, REISSUE, death_answers, reissue_answers, url

__all__ = ["media_in_tmp"]


def submitted_reissue(citizen) -> tuple[Client, Dossier]:
    client = logged_in(citizen)
    scan = SimpleUploadedFile("giay-cu.png", PNG, content_type="image/png")
    response = client.post(url(REISSUE), reissue_answers(old_certificate=scan))
    assert response.status_code == 302, response.content.decode()
    return client, Dossier.objects.get(applicant=citizen)


def test_the_citizen_reads_the_filled_form_with_labels_person_parts_and_the_file(db):
    client, dossier = submitted_reissue(make_citizen())
    html = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert "Tờ khai" in html and "Người khuyết tật" in html
    assert "Họ, chữ đệm, tên: Phan Thị Mai" in html and "Ngày sinh: 01/02/1995" in html
    link = reverse("portal:form_file", args=[dossier.code, "old_certificate"])
    assert link in html and "giay-cu.png" in html
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG
    assert client.get(reverse("portal:form_file", args=[dossier.code, "reason"])).status_code == 404


def test_officers_of_the_agency_read_the_form_and_download_its_file_and_others_do_not(db):
    _client, dossier = submitted_reissue(make_citizen())
    staff = Client()
    log_in(staff, officer("phuxuan.tiepnhan"))
    html = staff.get(reverse("workspace:dossier", args=[dossier.code])).content.decode()
    assert "Tờ khai" in html and "Ngày sinh: 01/02/1995" in html and "Hư hỏng" in html
    link = reverse("workspace:form_file", args=[dossier.code, "old_certificate"])
    assert link in html
    assert b"".join(staff.get(link).streaming_content) == PNG

    stranger = Client()
    log_in(stranger, officer("phuvang.tiepnhan"))
    assert stranger.get(link).status_code == 404
    another = logged_in(make_citizen("046195009999", "Trần Thị Lan"))
    assert another.get(reverse("portal:form_file", args=[dossier.code, "old_certificate"])).status_code == 404


def test_a_unit_field_is_shown_by_its_name_and_a_date_as_day_month_year(db):
    citizen = make_citizen()
    client = logged_in(citizen)
    assert client.post(url(DEATH), death_answers()).status_code == 302
    dossier = Dossier.objects.get(applicant=citizen)
    html = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert "Phường Phú Xuân, Thành phố Huế" in html and "05/01/2026" in html
