"""Small PDFs and boxes for the signing tests (the result renderer, motcua.signing.documents, is not needed
to test signing)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"


@dataclass(frozen=True)
class Box:
    page: int
    x1: float
    y1: float
    x2: float
    y2: float


LEADER_BOX = Box(page=0, x1=330, y1=90, x2=560, y2=170)
SEAL_BOX = Box(page=0, x1=300, y1=80, x2=410, y2=180)  # over the left third of the leader's (Decree 30/2020)


def simple_pdf(text: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc") -> bytes:
    document = FPDF(format="A4")
    document.add_page()
    document.add_font("serif", fname=FONT)
    document.set_font("serif", size=13)
    document.multi_cell(w=0, text=text, align="C")
    return bytes(document.output())


def pkcs12_source(issued, *, env_name: str = "MOTCUA_TEST_PKCS12_PASSPHRASE"):
    """A KeySource for a certificate the test PKI issued, its passphrase in the environment."""
    from motcua.signing.keys import KeySource

    os.environ[env_name] = issued.passphrase
    return KeySource(kind="pkcs12", ref=str(issued.pkcs12_path), secret_env=env_name)
