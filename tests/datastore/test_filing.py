"""Results handed over and scans certified at the counter go into the citizen's data store, filed under each
person they concern; a failure files nothing and changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.dossier_catalog_world import actor_for, advance, hue_world, receive
from motcua.core.errors import DomainError
from motcua.datastore import selectors as store
from motcua.datastore import services as store_services
from motcua.datastore import storage
from motcua.datastore.models import Filing, FilingRole, Origin, StoredDocument
from motcua.dossiers import files, lookups, services
from motcua.dossiers.models import Dossier, State
from motcua.org.models import Role
from pdf_samples import CLEAN_PDF, pdf

from .world import ALLOWANCE, BIRTH, CERTIFICATE, CHILD, citizen, issue_birth_certificate

TZ = lookups.TZ
JS_PDF = pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
T0 = dt.datetime(2026, 3, 9, 8, 0, tzinfo=TZ)  # Monday, no holiday that week
BORN = dt.date(2026, 2, 1)


@pytest.fixture
def hue(db):
    return hue_world(T0.date())


def test_a_birth_certificate_handed_over_is_filed_under_the_child_and_the_mother(hue):
    dossier = issue_birth_certificate(hue, now=T0, child_birth_date=BORN)
    document = StoredDocument.objects.get(dossier=dossier)
    assert document.kind == "civil_status.birth_certificate" and document.origin == Origin.RESULT
    assert document.sha256 == hashlib.sha256(CERTIFICATE).hexdigest() and document.size == len(CERTIFICATE)
    assert document.content_type == "application/pdf" and document.procedure_code == BIRTH
    assert document.issued_by_id == dossier.competent_agency_id
    with storage.open_kept(document.file_ref) as kept:
        assert kept.read() == CERTIFICATE
    filings = {f.role: f for f in document.filings.all()}
    assert filings[FilingRole.APPLICANT].holder_id == hue.citizen.national_id
    child = filings[FilingRole.SUBJECT]
    assert (child.holder_name, child.holder_birth_date, child.holder_id) == (CHILD, BORN, "")
    mother = filings[FilingRole.REPRESENTATIVE]
    # Represented until the child comes of age (Civil Code 2015 Art. 20, 21, 136).
    assert mother.holder_id == hue.citizen.national_id and mother.valid_until == dt.date(2044, 2, 1)
    assert mother.represents == child
    assert list(store.readable_documents(reader_id=hue.citizen.national_id, on=T0.date())) == [document]


def test_a_result_removed_before_the_hand_over_is_not_filed(hue):
    dossier = birth_at_step(hue, "vao_so")
    clerk = actor_for(hue, dossier)
    wrong = services.attach_result(
        dossier=dossier, by=clerk, name="Giấy khai sinh (nhầm)", upload=SimpleUploadedFile("x.pdf", CLEAN_PDF)
    )
    services.remove_result(result=wrong, by=clerk, reason="Đính kèm nhầm tệp")
    services.attach_result(
        dossier=Dossier.objects.get(pk=dossier.pk),
        by=clerk,
        name="Giấy khai sinh",
        upload=SimpleUploadedFile("gks.pdf", CERTIFICATE),
    )
    advance(hue, Dossier.objects.get(pk=dossier.pk), now=T0)
    assert list(StoredDocument.objects.filter(dossier=dossier).values_list("title", flat=True)) == [
        "Giấy khai sinh"
    ]


def birth_at_step(hue, step: str):
    dossier = receive(
        hue,
        hue.procedure(BIRTH),
        point=hue.point_phu_vang,
        place=hue.phu_vang,
        now=T0,
        form_data={"child_name": CHILD, "child_birth_date": BORN.isoformat()},
    )
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=T0
    )
    return advance(hue, dossier, now=T0, stop_at=step)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "datastore"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_result_whose_file_is_gone_stops_the_hand_over_and_files_nothing(hue, settings):
    dossier = birth_at_step(hue, "vao_so")
    result = services.attach_result(
        dossier=dossier,
        by=actor_for(hue, dossier),
        name="Giấy khai sinh",
        upload=SimpleUploadedFile("gks.pdf", CERTIFICATE),
        now=T0,
    )
    dossier = advance(hue, Dossier.objects.get(pk=dossier.pk), now=T0, stop_at="tra_ket_qua")
    default_storage.delete(result.file_ref)
    events = dossier.events.count()
    with pytest.raises(DomainError) as refused:
        services.perform(dossier=dossier, by=actor_for(hue, dossier), action="return_result", now=T0)
    assert refused.value.code == "file.missing"
    dossier.refresh_from_db()
    assert dossier.state != State.RETURNED and dossier.events.count() == events
    assert not StoredDocument.objects.filter(dossier=dossier).exists() and stored_files(settings) == []


def test_a_file_that_is_not_what_the_store_keeps_is_refused_and_nothing_is_written(hue, settings):
    dossier = issue_birth_certificate(hue, now=T0, child_birth_date=BORN)
    count = StoredDocument.objects.count()
    kept = stored_files(settings)
    holders = store_services.Holders(applicant_id=hue.citizen.national_id, applicant_name="Phan Thị Mai")
    for content, code in ((b"MZ\x90\x00 not a document", "file.type"), (JS_PDF, "file.pdf_script")):
        with pytest.raises(DomainError) as refused:
            store_services.file_document(
                content=content,
                file_name="x.pdf",
                kind="civil_status.birth_certificate",
                title="Giấy khai sinh",
                origin=Origin.RESULT,
                dossier=dossier,
                procedure_code=BIRTH,
                issued_by_id=dossier.competent_agency_id,
                certified_by=None,
                holders=holders,
                now=T0,
            )
        assert refused.value.code == code
    assert StoredDocument.objects.count() == count and stored_files(settings) == kept


def test_a_scan_certified_at_the_counter_is_filed_as_a_digitized_copy_with_its_officer(hue):
    procedure = hue.procedure(ALLOWANCE)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    officer = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang)
    scan = files.store_upload(SimpleUploadedFile("xac-nhan-khuyet-tat.pdf", CLEAN_PDF), folder="test/scans")
    documents = [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]
    documents.append(services.DocumentInput(code="xac_nhan_khuyet_tat", source="file", file_ref=scan.ref))
    dossier = receive(
        hue,
        procedure,
        point=hue.point_phu_vang,
        place=hue.phu_vang,
        now=T0,
        documents=documents,
        form_data={"beneficiary_name": "Phan Thị Mai", "beneficiary_id_number": hue.citizen.national_id},
    )
    document = StoredDocument.objects.get(dossier=dossier)
    assert document.origin == Origin.DIGITIZED and document.kind == "social.disability_certificate"
    assert document.certified_by.user == officer and document.issued_by_id == hue.ubnd_phu_vang.pk
    assert document.sha256 == scan.sha256
    # The applicant is the person concerned: filed under her number twice (applicant, subject), read once.
    assert set(document.filings.values_list("role", "holder_id")) == {
        (FilingRole.APPLICANT, hue.citizen.national_id),
        (FilingRole.SUBJECT, hue.citizen.national_id),
    }
    assert list(store.readable_documents(reader_id=hue.citizen.national_id, on=T0.date())) == [document]


def test_paper_handed_in_at_the_counter_is_not_filed(hue):
    procedure = hue.procedure(ALLOWANCE)
    receive(hue, procedure, point=hue.point_phu_vang, place=hue.phu_vang, now=T0)
    assert not StoredDocument.objects.exists() and not Filing.objects.exists()


def test_naming_a_child_at_the_counter_gives_no_right_to_read_the_childs_documents(hue):
    certificate = StoredDocument.objects.get(
        dossier=issue_birth_certificate(hue, now=T0, child_birth_date=BORN)
    )
    stranger = citizen("046190009999", "Trần Văn Khách")
    procedure = hue.procedure(ALLOWANCE)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    scan = files.store_upload(SimpleUploadedFile("don.pdf", CLEAN_PDF), folder="test/scans")
    documents = [services.DocumentInput(code=d.code) for d in version.documents.filter(mandatory=True)]
    documents.append(services.DocumentInput(code="xac_nhan_khuyet_tat", source="file", file_ref=scan.ref))
    dossier = services.receive_at_counter(
        by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang),
        reception_point=hue.point_phu_vang,
        procedure=procedure,
        place_unit=hue.phu_vang,
        now=T0,
        applicant_info=services.ApplicantInfo(name=stranger.full_name, id_number=stranger.national_id),
        documents=documents,
        form_data={"beneficiary_name": CHILD, "beneficiary_birth_date": BORN.isoformat()},
    )
    scanned = StoredDocument.objects.get(dossier=dossier)
    assert not scanned.filings.filter(role=FilingRole.REPRESENTATIVE).exists()
    with pytest.raises(DomainError):
        store.readable_document(reader_id=stranger.national_id, pk=certificate.pk, on=T0.date())
    # Nor was the child's certificate taken into the stranger's dossier.
    assert not dossier.documents.filter(code="giay_khai_sinh").exists()


def test_a_scan_made_for_an_assisted_online_submission_is_filed_with_the_assisting_officer(hue):
    procedure = hue.procedure(BIRTH)  # online only at the counter (Directive 24/CT-TTg)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    scan = files.store_upload(
        SimpleUploadedFile("giay-chung-sinh.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64), folder="t"
    )
    documents = [
        services.DocumentInput(code=d.code, source="file", file_ref=scan.ref)
        if d.code == "giay_chung_sinh"
        else services.DocumentInput(code=d.code)
        for d in version.documents.filter(mandatory=True)
    ]
    dossier = receive(
        hue,
        procedure,
        point=hue.point_phu_vang,
        place=hue.phu_vang,
        now=T0,
        documents=documents,
        form_data={"child_name": CHILD, "child_birth_date": BORN.isoformat()},
    )
    assert dossier.assisted_by is not None
    document = StoredDocument.objects.get(dossier=dossier)
    assert document.origin == Origin.DIGITIZED and document.content_type == "image/jpeg"
    assert document.certified_by == dossier.assisted_by and document.kind == ""
    child = document.filings.get(role=FilingRole.SUBJECT)
    assert (child.holder_name, child.holder_birth_date) == (CHILD, BORN)


def test_a_work_permit_is_filed_under_the_employers_enterprise_code(hue):
    procedure = hue.procedure("1.014199")
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    dossier = receive(
        hue,
        procedure,
        point=hue.point_phu_vang,
        place=hue.phu_vang,
        now=T0,
        form_data={"employer_tax_code": "3301234567-001", "employer_name": "Công ty TNHH Hương Giang"},
    )
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=T0
    )
    dossier = advance(hue, dossier, now=T0, stop_at=version.workflow.steps.order_by("-order").first().code)
    services.attach_result(
        dossier=dossier,
        by=actor_for(hue, dossier),
        name="Giấy phép lao động",
        upload=SimpleUploadedFile("gpld.pdf", CLEAN_PDF),
        now=T0,
    )
    advance(hue, Dossier.objects.get(pk=dossier.pk), now=T0)
    document = StoredDocument.objects.get(dossier=dossier)
    assert document.kind == "labour.work_permit"
    enterprise = document.filings.get(role=FilingRole.SUBJECT)
    assert (enterprise.holder_kind, enterprise.holder_id, enterprise.holder_name) == (
        "enterprise",
        "3301234567-001",
        "Công ty TNHH Hương Giang",
    )
