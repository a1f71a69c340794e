"""The citizen's dossier page lists the issued documents by a query compiled once per process
(``selectors.issued_list_for_applicant``): the same rows, in the same order, with the same values as the
queryset ``issued_for_applicant`` gives, in one statement; none before a document was issued."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import Dossier
from motcua.signing import selectors
from motcua.signing.models import IssuedDocument

from .flow_helpers import at_sign_step, issued


def _values(document: IssuedDocument) -> dict:
    return {f.attname: getattr(document, f.attname) for f in IssuedDocument._meta.concrete_fields}


def test_the_compiled_list_is_the_querysets_rows_in_one_statement(world, result_template, keys):
    dossier, document = issued(world)
    dossier = Dossier.objects.prefetch_related("events").get(pk=dossier.pk)  # as its page reads them
    expected = list(selectors.issued_for_applicant(dossier=dossier))
    assert [d.pk for d in expected] == [document.pk]

    selectors.issued_list_for_applicant(dossier=dossier)  # compiled (once per process)
    with CaptureQueriesContext(connection) as queries:
        found = selectors.issued_list_for_applicant(dossier=dossier)
    assert len(queries.captured_queries) == 1
    assert [_values(d) for d in found] == [_values(d) for d in expected]
    assert all(d._state.adding is False and d._state.db == "default" for d in found)


def test_another_dossiers_documents_are_not_listed(world, result_template, keys, monkeypatch):
    dossier, document = issued(world)
    other = at_sign_step(world)
    assert selectors.issued_list_for_applicant(dossier=other) == []  # its events say: nothing issued
    # Even when asked (its events read as if it had issued one), the compiled query lists only its own.
    monkeypatch.setattr(selectors, "may_have_documents", lambda dossier, *, issued=False: True)
    assert selectors.issued_list_for_applicant(dossier=other) == []
    assert [d.pk for d in selectors.issued_list_for_applicant(dossier=dossier)] == [document.pk]
