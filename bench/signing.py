"""Benchmark: result documents rendered and signed (PAdES B-B, rendering included) per second per core.

Run: ``MOTCUA_ENV=test .venv/bin/python bench/signing.py [--documents 200]`` (``make bench`` runs it).

It sets up a throw-away test PKI (refservices.pki: new keys in a temporary folder), issues a leader's and an
agency's PKCS#12 keys, and then, in this one process (one core), renders ``--documents`` result documents
from the demo catalog's shared result template with sample data (Jinja2 sandbox, A4 layout with the QR code,
fpdf2) and signs each one twice as the signing worker does: the leader's signature, then the agency's seal as
an incremental update, each loading its key from the PKCS#12 file (``signing.pades.sign_pdf``). It prints the
documents per second on one core (goal: at least 20), from the process's CPU time (what this process used,
whatever else the machine runs) and from the wall-clock time (lower on a busy machine), the time of each part
(p50, CPU and wall), and the machine's cores and load. No database and no network: B-B needs no time-stamping
authority.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_ENV", "test")
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "src"), str(REPO_ROOT)]
GOAL = 20.0


def _template():
    from motcua.signing.models import DocumentKind, DocumentTemplate

    return DocumentTemplate(
        kind=DocumentKind.RESULT,
        name="Kết quả giải quyết thủ tục hành chính",
        title="GIẤY XÁC NHẬN KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        symbol="KQ",
        body=(
            "Căn cứ hồ sơ mã số {{ dossier.code }} của ông/bà {{ dossier.applicant_name }};\n"
            "Người đề nghị:: {{ dossier.applicant_name }}\n"
            "Số định danh cá nhân:: {{ dossier.applicant_id_number }}\n"
            "Địa chỉ:: {{ dossier.applicant_address }}\n"
            "Kết quả:: {{ procedure.result_name }}"
        ),
        recipients="- Ông/bà {{ dossier.applicant_name }};\n- Lưu: VT.",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from motcua.signing import documents
    from motcua.signing.keys import KeySource
    from motcua.signing.pades import sign_pdf
    from refservices.pki import Pki

    with tempfile.TemporaryDirectory(prefix="motcua-bench-pki-") as folder:
        pki = Pki.setup(folder, url="http://127.0.0.1:9")  # never fetched: B-B, no validation here
        leader = pki.issue("signer", "Nguyễn Văn An", organization="Ủy ban nhân dân phường Phú Xuân")
        seal = pki.issue("seal", "Ủy ban nhân dân phường Phú Xuân")
        os.environ["MOTCUA_BENCH_PKCS12"] = leader.passphrase
        leader_key = KeySource(kind="pkcs12", ref=str(leader.pkcs12_path), secret_env="MOTCUA_BENCH_PKCS12")
        seal_key = KeySource(kind="pkcs12", ref=str(seal.pkcs12_path), secret_env="MOTCUA_BENCH_PKCS12")
        template = _template()
        context = documents.sample_context(template=template, version=None, form_schema={})
        parts: dict[str, list[float]] = {"render": [], "leader": [], "seal": []}
        cpu_parts: dict[str, list[float]] = {"render": [], "leader": [], "seal": []}
        sign_pdf(
            documents.render(template=template, context=context).pdf,
            source=leader_key,
            field_name="Warmup",
            box=documents.Box(0, 10, 10, 100, 60),
            appearance="warm-up",
        )
        started = time.perf_counter()
        cpu_started = time.process_time()
        for n in range(args.documents):
            c0 = time.process_time()
            t0 = time.perf_counter()
            rendered = documents.render(
                template=template, context={**context, "number": f"{n + 1:02d}/KQ-UBND"}
            )
            t1 = time.perf_counter()
            c1 = time.process_time()
            signed = sign_pdf(
                rendered.pdf,
                source=leader_key,
                field_name="ChuKyLanhDao",
                box=rendered.signer_box,
                appearance="Nguyễn Văn An\nChủ tịch",
            )
            t2 = time.perf_counter()
            c2 = time.process_time()
            sign_pdf(
                signed,
                source=seal_key,
                field_name="ChuKyCoQuan",
                box=rendered.seal_box,
                appearance="Ủy ban nhân dân phường Phú Xuân",
            )
            t3 = time.perf_counter()
            c3 = time.process_time()
            for name, wall, cpu in (
                ("render", t1 - t0, c1 - c0),
                ("leader", t2 - t1, c2 - c1),
                ("seal", t3 - t2, c3 - c2),
            ):
                parts[name].append(wall)
                cpu_parts[name].append(cpu)
        elapsed = time.perf_counter() - started
        cpu_elapsed = time.process_time() - cpu_started

    cpu_rate = args.documents / cpu_elapsed
    rate = args.documents / elapsed
    print(
        f"documents rendered and signed (B-B: leader + seal, rendering included): {args.documents} "
        f"in {cpu_elapsed:.2f} s CPU, {elapsed:.2f} s wall"
    )
    verdict = "OK" if cpu_rate >= GOAL else "BELOW GOAL"
    print(f"per second per core, CPU time:  {cpu_rate:5.1f} (goal >= {GOAL:.0f}) {verdict}")
    print(f"per second per core, wall time: {rate:5.1f} (the machine's other work included)")
    for name in parts:
        cpu_ms = statistics.median(cpu_parts[name]) * 1000
        wall_ms = statistics.median(parts[name]) * 1000
        print(f"  {name:<7} p50 {cpu_ms:6.1f} ms CPU {wall_ms:6.1f} ms wall")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (this run uses one core)")


if __name__ == "__main__":
    main()
