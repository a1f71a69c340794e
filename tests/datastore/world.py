"""A birth certificate the system issued and filed in the data store: where the data store's stories start."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.dossier_catalog_world import Hue, actor_for, advance, receive
from motcua.accounts.models import User
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, State
from motcua.org.models import Role
from pdf_samples import pdf

BIRTH = "1.001193"  # Đăng ký khai sinh: its result is a civil_status.birth_certificate
ALLOWANCE = "1.001776"  # Trợ cấp xã hội hằng tháng: takes the child's birth certificate from the data store
CHILD = "Nguyễn Phan Minh An"
# A result file of its own: the bytes the data store must keep and hand back unchanged.
CERTIFICATE = pdf(page=b"/Rotate 0")


def citizen(national_id: str, name: str) -> User:
    user, _ = User.objects.get_or_create(
        username=f"cd:{national_id}", defaults={"national_id": national_id, "full_name": name}
    )
    return user


def issue_birth_certificate(hue: Hue, *, now: dt.datetime, child_birth_date: dt.date) -> Dossier:
    """The mother (``hue.citizen``) registers her child's birth at Phú Vang's counter (assisted online
    submission, Directive 24/CT-TTg); the commune issues the birth certificate and hands it over."""
    procedure = hue.procedure(BIRTH)
    dossier = receive(
        hue,
        procedure,
        point=hue.point_phu_vang,
        place=hue.phu_vang,
        now=now,
        form_data={"child_name": CHILD, "child_birth_date": child_birth_date.isoformat()},
    )
    reception = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang)
    dossier = services.accept(dossier=dossier, by=reception, now=now)
    dossier = advance(hue, dossier, now=now, stop_at="vao_so")
    services.attach_result(
        dossier=dossier,
        by=actor_for(hue, dossier),
        name="Giấy khai sinh",
        upload=SimpleUploadedFile("giay-khai-sinh.pdf", CERTIFICATE, content_type="application/pdf"),
        now=now,
    )
    dossier = advance(hue, Dossier.objects.get(pk=dossier.pk), now=now)
    assert dossier.state == State.RETURNED
    return dossier
