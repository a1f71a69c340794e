"""Reference national public service portal (Cổng Dịch vụ công quốc gia), in place of the real one.

Run it with ``python -m refservices.national_portal --port 8102`` (or ``motcua-national-portal``).
It serves the synchronisation API motcua's outbox adapter speaks (DongBoHoSoMC, CapNhatTienDoHoSoMC,
DanhGiaHoSo, TraCuuHoSo, LayThuTuc, LayHoSoMoi, XacNhanHoSoMoi), fault switches for tests, and
citizen pages where a dossier is submitted online and its status followed.
"""
