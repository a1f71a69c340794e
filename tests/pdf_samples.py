"""Small well-formed PDFs for tests: a clean one-page document, and variants carrying JavaScript actions.

Uploads are parsed before they are accepted (``motcua.dossiers.files``), so a test that uploads a PDF
needs a real one: ``CLEAN_PDF`` (or ``pdf()`` with extra catalog entries or objects).
"""

from __future__ import annotations

import io


def pdf(*, catalog: bytes = b"", page: bytes = b"", objects: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF with a correct cross-reference table.

    ``catalog`` and ``page`` are extra entries of the catalog (object 1) and the page (object 3);
    ``objects`` are the bodies of further objects, numbered from 4.
    """
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b" >>",
        *objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref))
    return out.getvalue()


def pdf_with_object_streams(action: dict | None) -> bytes:
    """A PDF written by pyHanko with its objects compressed in an object stream (and an xref stream);
    ``action`` (e.g. a JavaScript action) becomes the catalog's /OpenAction, itself inside the stream."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter(stream_xrefs=True)
    stream = writer.prepare_object_stream()
    if action is not None:
        value = generic.DictionaryObject(
            {
                generic.NameObject(key): generic.NameObject(value)
                if value.startswith("/")
                else generic.TextStringObject(value)
                for key, value in action.items()
            }
        )
        writer.root[generic.NameObject("/OpenAction")] = writer.add_object(value, obj_stream=stream)
    writer.root[generic.NameObject("/Lang")] = generic.TextStringObject("vi")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CLEAN_PDF = pdf()
