"""The citizen downloads the result, rates the handling (from the account or from the public lookup),
and the public lookup slows down guessing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dossiers.dossier_catalog_world import MARRIAGE, advance, hue_world, receive
from motcua.dossiers import services
from motcua.dossiers.models import RatingChannel, SatisfactionRating
from motcua.org.models import Role
from pdf_samples import CLEAN_PDF

PDF = CLEAN_PDF


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def hue(db):
    return hue_world(timezone.localdate())


def in_review(hue):
    dossier = receive(
        hue, hue.procedure(MARRIAGE), point=hue.point_phu_vang, place=hue.phu_vang, now=timezone.now()
    )
    return services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang))


def with_result(hue):
    dossier = in_review(hue)
    step = dossier.current_step
    result = services.attach_result(
        dossier=dossier,
        by=hue.staff(step.role, step.agency),
        name="Giấy chứng nhận kết hôn",
        upload=SimpleUploadedFile("gcn-ket-hon.pdf", PDF, content_type="application/pdf"),
    )
    return result.dossier.__class__.objects.get(pk=dossier.pk), result


def citizen_client(hue) -> Client:
    client = Client()
    client.force_login(hue.citizen)
    return client


def test_the_result_is_downloadable_from_my_dossier_once_returned(hue):
    dossier, result = with_result(hue)
    client = citizen_client(hue)
    url = reverse("portal:result_file", args=[dossier.code, result.pk])
    assert client.get(url).status_code == 404  # not handed over yet
    assert url not in client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()

    dossier = advance(hue, dossier, now=timezone.now())
    html = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert "Kết quả giải quyết" in html and url in html and "Tải Giấy chứng nhận kết hôn" in html
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert 'attachment; filename="gcn-ket-hon.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_another_citizen_cannot_download_the_result(hue, django_user_model):
    dossier, result = with_result(hue)
    advance(hue, dossier, now=timezone.now())
    stranger = django_user_model.objects.create(username="cd:046200000001", national_id="046200000001")
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("portal:result_file", args=[dossier.code, result.pk])).status_code == 404
    assert Client().get(reverse("portal:result_file", args=[dossier.code, result.pk])).status_code == 302


def test_a_paper_result_says_where_to_collect_it(hue):
    dossier = advance(hue, in_review(hue), now=timezone.now())
    html = citizen_client(hue).get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert "Kết quả của hồ sơ này là bản giấy, trả tại" in html and dossier.reception_point.name in html


def test_the_citizen_rates_once_from_my_dossier(hue):
    dossier = advance(hue, in_review(hue), now=timezone.now())
    client = citizen_client(hue)
    page = reverse("portal:my_dossier", args=[dossier.code])
    html = client.get(page).content.decode()
    assert "Bạn hài lòng với việc giải quyết hồ sơ này ở mức nào?" in html
    assert all(label in html for label in ("Rất hài lòng", "Hài lòng", "Chấp nhận được", "Không hài lòng"))

    missing = client.post(reverse("portal:rate", args=[dossier.code]), {"comment": "?"})
    assert missing.status_code == 400 and "Vui lòng chọn một mức độ hài lòng." in missing.content.decode()
    assert not SatisfactionRating.objects.filter(dossier=dossier).exists()

    done = client.post(
        reverse("portal:rate", args=[dossier.code]), {"level": "4", "comment": "Nhanh, chu đáo"}
    )
    assert done.status_code == 302 and done["Location"].endswith("?da_danh_gia=1")
    html = client.get(done["Location"]).content.decode()
    assert "Cảm ơn bạn đã đánh giá." in html and "Bạn đã đánh giá:" in html
    assert "Gửi đánh giá" not in html
    again = client.post(reverse("portal:rate", args=[dossier.code]), {"level": "1"})
    assert again.status_code == 400 and "đã được đánh giá" in again.content.decode()
    assert SatisfactionRating.objects.get(dossier=dossier).level == 4


def test_a_walk_in_citizen_rates_from_the_public_lookup(hue):
    dossier = advance(hue, in_review(hue), now=timezone.now())
    client = Client()
    html = client.post(
        reverse("portal:lookup"), {"ma_ho_so": dossier.code, "so_cuoi": "1234"}
    ).content.decode()
    assert "Gửi đánh giá" in html
    wrong = client.post(
        reverse("portal:lookup_rate"), {"ma_ho_so": dossier.code, "so_cuoi": "9999", "level": "1"}
    )
    assert wrong.status_code == 400 and not SatisfactionRating.objects.exists()
    done = client.post(
        reverse("portal:lookup_rate"),
        {"ma_ho_so": dossier.code, "so_cuoi": "1234", "level": "3", "comment": ""},
    )
    assert done.status_code == 200
    html = done.content.decode()
    assert "Cảm ơn bạn đã đánh giá." in html and "Hài lòng" in html and "Gửi đánh giá" not in html
    rating = SatisfactionRating.objects.get(dossier=dossier)
    assert rating.channel == RatingChannel.LOOKUP and rating.rated_by is None


def test_the_lookup_form_offers_no_rating_before_the_result(hue):
    dossier = in_review(hue)
    html = (
        Client()
        .post(reverse("portal:lookup"), {"ma_ho_so": dossier.code, "so_cuoi": "1234"})
        .content.decode()
    )
    assert "Ngày hẹn trả kết quả" in html and "Gửi đánh giá" not in html


def test_too_many_wrong_lookups_for_a_code_are_slowed_down_even_with_the_right_digits(hue, settings):
    settings.MOTCUA_LOOKUP_FAILURES_PER_CODE = 3
    dossier = in_review(hue)
    client = Client()
    for guess in ("0000", "0001", "0002"):
        answer = client.post(reverse("portal:lookup"), {"ma_ho_so": dossier.code, "so_cuoi": guess})
        assert answer.status_code == 200 and "Không tìm thấy hồ sơ" in answer.content.decode()
    blocked = client.post(reverse("portal:lookup"), {"ma_ho_so": dossier.code, "so_cuoi": "1234"})
    assert blocked.status_code == 429
    assert "Bạn đã tra cứu sai quá nhiều lần" in blocked.content.decode()
    assert "Ngày hẹn trả kết quả</dt>" not in blocked.content.decode()


def test_too_many_wrong_lookups_from_one_address_are_slowed_down(hue, settings):
    settings.MOTCUA_LOOKUP_FAILURES_PER_CLIENT = 2
    client = Client(REMOTE_ADDR="10.0.0.7")
    for code in ("X-1", "X-2"):
        assert client.post(reverse("portal:lookup"), {"ma_ho_so": code, "so_cuoi": "0000"}).status_code == 200
    assert client.post(reverse("portal:lookup"), {"ma_ho_so": "X-3", "so_cuoi": "0000"}).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert other.post(reverse("portal:lookup"), {"ma_ho_so": "X-3", "so_cuoi": "0000"}).status_code == 200
