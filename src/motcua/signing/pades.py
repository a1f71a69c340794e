"""Signing a result document (PAdES, ETSI EN 319 142-1) with a visible appearance.

PAdES baseline B-T when a time-stamping authority is configured (RFC 3161), else B-B; subfilter
ETSI.CAdES.detached. The appearance follows Decree 30/2020/NĐ-CP, Annex I (digital signature of a document:
the signer, the agency, the signing time in ISO 8601 with the +07:00 offset). A PDF that already carries a
signature gets an incremental update, so the leader's signature stays valid under the organization's seal.
"""

from __future__ import annotations

import copy
import logging
import os
from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError, register

from .keys import KeySource, load_signer

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer
    from pyhanko.stamp import TextStampStyle

# fontTools reports each glyph subset at INFO.
logging.getLogger("fontTools").setLevel(logging.ERROR)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/liberation2"
APPEARANCE_FONT = "LiberationSerif-Regular.ttf"
APPEARANCE_FONT_SIZE = 8
# Room in the file for the hex-encoded CMS (16 KB: signer chain, time-stamp token with its own chain); fixed,
# so that pyHanko need not build a dummy signature (and ask the TSA twice) to estimate it.
SIGNATURE_SIZE_RESERVED = 32_768


TIMESTAMP_UNAVAILABLE = "signing.timestamp_unavailable"
register({TIMESTAMP_UNAVAILABLE: 503})


def timestamp_unavailable(*, url: str, reason: str) -> DomainError:
    """The time-stamping authority did not answer (or refused): nothing was signed; retry later."""
    error = DomainError(
        TIMESTAMP_UNAVAILABLE,
        _("Máy chủ cấp dấu thời gian không trả lời; văn bản chưa được ký. Đề nghị thử lại sau."),
    )
    error.reason = f"{url}: {reason}"  # type: ignore[attr-defined]
    return error


class SignatureBox(Protocol):
    """Where the appearance goes (``motcua.signing.documents.Box``): PDF points, origin bottom-left.

    Read-only members, so that a frozen dataclass (``documents.Box``) is one."""

    @property
    def page(self) -> int: ...

    @property
    def x1(self) -> float: ...

    @property
    def y1(self) -> float: ...

    @property
    def x2(self) -> float: ...

    @property
    def y2(self) -> float: ...


def signing_time_text(moment: datetime) -> str:
    """ISO 8601 with the Vietnam offset, to the second: 2026-11-30T09:15:02+07:00."""
    return moment.astimezone(VIETNAM).isoformat(timespec="seconds")


def sign_pdf(
    pdf: bytes,
    *,
    source: KeySource,
    field_name: str,
    box: SignatureBox,
    appearance: str,
    reason: str = "",
    location: str = "Huế",
    timestamp_url: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """Sign ``pdf`` with the key of ``source`` in a new signature field ``field_name`` whose appearance, in
    ``box``, shows the ``appearance`` lines (name, position, agency) followed by the signing time.

    B-T with the time-stamping authority at ``timestamp_url``, else B-B. Returns the signed PDF (the input
    plus an incremental update)."""
    signer = load_signer(source)
    try:
        return sign_with(
            pdf,
            signer=signer,
            field_name=field_name,
            box=box,
            appearance=appearance,
            reason=reason,
            location=location,
            timestamp_url=timestamp_url,
            now=now,
        )
    finally:
        close = getattr(signer, "close", None)  # PKCS#11 / CSC signers hold a session
        if callable(close):
            close()


def sign_with(
    pdf: bytes,
    *,
    signer: Signer,
    field_name: str,
    box: SignatureBox,
    appearance: str,
    reason: str = "",
    location: str = "Huế",
    timestamp_url: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """:func:`sign_pdf` with a signer already loaded."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    moment = now or datetime.now(VIETNAM)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    spec = fields.SigFieldSpec(
        sig_field_name=field_name,
        on_page=box.page,
        box=(round(box.x1), round(box.y1), round(box.x2), round(box.y2)),
    )
    timestamper = RequestsHTTPTimeStamper(timestamp_url, timeout=10) if timestamp_url else None
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=_stamp_style(), new_field_spec=spec
    )
    output = BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            output=output,
            bytes_reserved=SIGNATURE_SIZE_RESERVED,
            appearance_text_params={
                "appearance": appearance.strip(),
                # The document is Vietnamese whatever the worker's language (Decree 30/2020, Annex I).
                "signed_at": f"Thời gian ký: {signing_time_text(moment)}",
            },
        )
    except TimestampRequestError as error:
        raise timestamp_unavailable(url=timestamp_url or "", reason=str(error)) from error
    return output.getvalue()


def font_path() -> Path:
    folder = getattr(settings, "MOTCUA_DOCUMENT_FONTS", "") or DEFAULT_FONT_DIR
    return Path(folder) / APPEARANCE_FONT


def _stamp_style() -> TextStampStyle:
    return _cached_stamp_style(str(font_path()))


# Vietnamese text: Latin, Latin-1, Latin Extended-A/B, combining marks, Latin Extended Additional (ạ…ỹ),
# general punctuation, the đồng sign.
VIETNAMESE_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    0x20AB,
]


def _appearance_font(font_file: str) -> str:
    """The font cut to the Vietnamese characters and rescaled to 1000 units per em, kept under
    ``VAR_DIR/cache/fonts`` (made once per font file).

    - pyHanko (0.38) writes a TrueType font's glyph widths in the font's own units, but PDF reads them in
      thousandths of an em: Liberation (2048 units) would come out twice as wide;
    - pyHanko subsets the font at every signature: from 300 glyphs rather than 2,600 it is much quicker."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    source = Path(font_file)
    stat = source.stat()
    folder = Path(settings.VAR_DIR) / "cache" / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{source.stem}-{stat.st_size}-{stat.st_mtime_ns}-vi-upem1000.ttf"
    if not target.exists():
        font = TTFont(source)
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=VIETNAMESE_UNICODES)
        subsetter.subset(font)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(partial)
        partial.replace(target)
    return str(target)


@cache
def _cached_stamp_style(font_file: str) -> Any:
    """Liberation Serif (Times metrics, Vietnamese glyphs) embedded as a subset; a thin frame."""
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text="%(appearance)s\n%(signed_at)s",
        text_box_style=TextBoxStyle(
            font=_appearance_font_factory(_appearance_font(font_file), APPEARANCE_FONT_SIZE),
            font_size=APPEARANCE_FONT_SIZE,
        ),
        border_width=1,
        background=None,
    )


def _appearance_font_factory(font_file: str, font_size: int) -> Any:
    """pyHanko's font engine for the appearance, made from one engine parsed once per process.

    pyHanko's own factory re-reads and re-parses the font for each signature and cuts it with fontTools'
    subsetter; here each signature gets a copy of the parsed engine (the font tables and HarfBuzz face
    shared, read only) whose font program is cut by ``documents.fontsubset`` (glyph numbers kept, as
    pyHanko's /Identity CIDToGIDMap needs)."""
    from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import CIDFontType2, GlyphAccumulator
    from pyhanko.pdf_utils.generic import StreamObject, pdf_name
    from pyhanko.pdf_utils.writer import PdfFileWriter

    from .documents import fontsubset

    face = fontsubset.read_file(font_file)

    class AppearanceCIDFont(CIDFontType2):
        glyphs: dict[int, Any]

        def set_font_file(self, writer: Any) -> Any:
            stream = StreamObject(stream_data=face.subset(self.glyphs))
            stream.compress()
            reference = writer.add_object(stream)
            self._font_descriptor[pdf_name("/FontFile2")] = reference
            return reference

    class AppearanceFont(GlyphAccumulator):
        def _extract_subset(self, options: Any = None) -> None:
            """The font program is cut when it is written (AppearanceCIDFont.set_font_file)."""

    with open(font_file, "rb") as handle:
        prototype = AppearanceFont(writer=PdfFileWriter(), font_handle=handle, font_size=font_size)
    prototype.tt.ensureDecompiled()
    base_name = prototype.cidfont_obj.name.split("+", 1)[-1]

    class Factory(FontEngineFactory):
        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            engine = copy.copy(prototype)
            FontEngine.__init__(
                engine, writer, base_name, embedded_subset=True, obj_stream=obj_stream, font_size=font_size
            )
            engine._font_ref = writer.allocate_placeholder()
            engine._glyphs = {}
            engine._cid_to_unicode = {}
            cidfont = AppearanceCIDFont(engine.tt, base_name, engine.subset_prefix)
            cidfont.glyphs = engine._glyphs
            engine.cidfont_obj = cidfont
            engine._subset_created = True
            engine._write_prepared = False
            return engine

    return Factory()
