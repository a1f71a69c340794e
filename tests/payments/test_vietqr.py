"""The VietQR payload built with vietnam-qr-pay, decoded and checked by a second library (vietqr-emvco)."""

from __future__ import annotations

from vietnam_qr_pay import QRPay
from vietqr_emvco import VietQRParser

from motcua.payments import reference, vietqr
from motcua.payments.words import amount_in_words


def test_payload_decodes_with_a_second_library_including_the_crc():
    code = reference.new_reference("MC")
    data = vietqr.payload(bank_bin="970415", account_number="113000046001", amount=8000, purpose=code)
    assert VietQRParser.verify_checksum(data)
    parsed = VietQRParser.parse(data)
    assert parsed["napas_guid"] == "A000000727"
    assert parsed["bank_bin"] == "970415"
    assert parsed["account_number"] == "113000046001"
    assert parsed["service_code"] == "QRIBFTTA"
    assert parsed["amount"] == 8000
    assert parsed["currency"] == "704"
    assert parsed["country_code"] == "VN"
    assert parsed["memo"] == code
    assert parsed["point_of_initiation_method"] == "12"  # dynamic: an amount is set


def test_a_changed_character_breaks_the_crc():
    data = vietqr.payload(bank_bin="970415", account_number="113000046001", amount=8000, purpose="MC1234567")
    tampered = data.replace("8000", "9000")
    assert not VietQRParser.verify_checksum(tampered)
    assert not QRPay(tampered).is_valid


def test_the_qr_code_is_inline_svg():
    svg = vietqr.svg("000201", title="VietQR")
    assert svg.startswith("<svg") and "<title>VietQR</title>" in svg and "<script" not in svg


def test_references_are_found_in_what_the_bank_reports_and_typos_are_not():
    code = reference.new_reference("MC")
    assert reference.find_references(f"nop phi ho so {code.lower()} ", "MC") == [code]
    assert reference.find_references(f"{code[:4]}-{code[4:]}", "MC") == [code]
    typo = code[:-2] + ("0" if code[-2] != "0" else "1") + code[-1]
    assert reference.find_references(typo, "MC") == []


def test_amounts_in_words():
    assert amount_in_words(8000) == "Tám nghìn đồng"
    assert amount_in_words(105000) == "Một trăm linh năm nghìn đồng"
    assert amount_in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
