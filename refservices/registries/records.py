"""The reference registries' records, generated from the identifier alone (no database, no start-up cost).

Every record comes from a ``random.Random`` seeded with the identifier's index, so the same identifier
always answers the same record, in every process, and 100,000 people and 10,000 businesses exist without a
table. Names come from Faker's ``vi_VN`` lists (plus common surnames and given names Faker lacks);
places from ``places.json`` (Huế's 40 communes and wards of 2025 and the pre-2025 units merged into each,
plus a few communes of other cities, from the GSO lists motcua's geography loads).

Identifier ranges (docs/refservices.md):

- population, civil status: person ``n`` in ``0 .. PEOPLE - 1`` has the 12-digit personal ID number
  ``person_id(n)`` = province of birth (3 digits) + century/sex digit + two digits of the birth year +
  a 6-digit serial that is a fixed permutation of ``n``. The demo citizens of the reference e-ID provider
  (refservices.idp.citizens) exist too, with their names. Any other 12 digits: not found.
  People of a household are the 4 consecutive indexes ``4h .. 4h + 3`` (head, spouse, two children).
- business: enterprise ``m`` in ``0 .. BUSINESSES - 1`` has the 10-digit enterprise (tax) code
  ``business_code(m)`` = ``"3301"`` + a 6-digit permutation of ``m``.
- land: parcel ``"<2025 commune code>-<map sheet 1..80>-<parcel 1..999>"`` for the communes of Huế;
  ``parcel_exists`` says which (a few numbers are unassigned).

Derived cases: person ``n % 53 == 7`` is deceased; household ``h % 11 == 4`` moved its permanent residence
(the previous one is kept); household ``h % 4 == 1`` still has its address written with the pre-2025 units
(ward, district, "tỉnh Thừa Thiên Huế"), as many real records are; adult ``n % 9 == 5`` lives elsewhere
(current residence differs from the permanent one). ``examples()`` lists one identifier of each case.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from faker.providers.person.vi_VN import Provider as _VietnameseNames

from ..idp import citizens as idp_citizens

PEOPLE = 100_000
BUSINESSES = 10_000
HOUSEHOLD_SIZE = 4
MAP_SHEETS = 80
PARCELS_PER_SHEET = 999

# A fixed permutation of 0..999,999 (multiplier coprime with 10**6): serials look scattered, yet invert.
_MODULUS = 1_000_000
_A, _B = 7919, 424_242
_A_INV = pow(_A, -1, _MODULUS)
_BUSINESS_A, _BUSINESS_B = 6007, 90_173
_BUSINESS_A_INV = pow(_BUSINESS_A, -1, _MODULUS)
BUSINESS_PREFIX = "3301"  # tax codes of enterprises registered in Thừa Thiên Huế / Huế begin 33

REFERENCE_DAY = dt.date(2026, 1, 1)
REFORM_DAY = dt.date(2025, 7, 1)

LAST_NAMES = (
    *_VietnameseNames.last_names,
    "Hồ",
    "Huỳnh",
    "Phan",
    "Võ",
    "Ngô",
    "Đỗ",
    "Trương",
    "Tôn Nữ",
    "Lý",
    "Đinh",
    "Châu",
)
MIDDLE_MALE = ("Văn", "Quang", "Đức", "Hữu", "Minh", "Công", "Thành", "Xuân", "Hoàng", "Ngọc")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Diệu", "Bích", "Khánh")
FIRST_MALE = (
    *_VietnameseNames.first_names_male,
    "An",
    "Bảo",
    "Cường",
    "Dũng",
    "Hiếu",
    "Khoa",
    "Lộc",
    "Phong",
)
FIRST_FEMALE = (*_VietnameseNames.first_names_female, "Anh", "Hằng", "Nhi", "Trang", "Vy", "Yến", "Thư", "Hà")
STREETS = (
    "Lê Lợi",
    "Hùng Vương",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Bà Triệu",
    "Phan Đình Phùng",
    "Điện Biên Phủ",
    "Lê Duẩn",
    "Đống Đa",
    "Hai Bà Trưng",
    "Nguyễn Trãi",
    "Chi Lăng",
    "Kim Long",
    "Ngô Đức Kế",
    "Đinh Tiên Hoàng",
    "Nguyễn Sinh Cung",
    "Phạm Văn Đồng",
    "Tố Hữu",
    "Trường Chinh",
    "Nguyễn Văn Linh",
)
HAMLET_WORDS = ("Thượng", "Hạ", "Đông", "Tây", "Trung", "An", "Phú", "Lương", "Thanh", "Mỹ")
ETHNICITIES = ("Kinh",) * 46 + ("Tà Ôi", "Cơ Tu", "Bru - Vân Kiều", "Hoa")
LAND_USES = (
    ("ODT", "Đất ở tại đô thị"),
    ("ONT", "Đất ở tại nông thôn"),
    ("LUC", "Đất chuyên trồng lúa nước"),
    ("CLN", "Đất trồng cây lâu năm"),
    ("RSX", "Đất rừng sản xuất"),
)
BUSINESS_KINDS = (
    ("Công ty TNHH một thành viên", "TNHH"),
    ("Công ty TNHH hai thành viên trở lên", "TNHH"),
    ("Công ty cổ phần", "Cổ phần"),
    ("Doanh nghiệp tư nhân", "DNTN"),
)
TRADES = (
    "Thương mại và Dịch vụ",
    "Xây dựng",
    "Du lịch Sông Hương",
    "Thực phẩm Cố Đô",
    "Vận tải",
    "Công nghệ Phú Xuân",
    "Nông sản Hương Trà",
    "In ấn Thuận Hóa",
    "Thủ công mỹ nghệ",
    "Tư vấn và Đầu tư",
)
BUSINESS_STATUS_ACTIVE = "Đang hoạt động"
BUSINESS_STATUS_SUSPENDED = "Tạm ngừng kinh doanh"
BUSINESS_STATUS_DISSOLVED = "Đã giải thể"


# --- places ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Former:
    name: str
    district: str
    province: str


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    province: str
    former: tuple[Former, ...]


@cache
def _places() -> tuple[tuple[Commune, ...], tuple[Commune, ...]]:
    """(Huế's communes, other provinces' communes)."""
    data = json.loads((Path(__file__).with_name("places.json")).read_text(encoding="utf-8"))
    hue: list[Commune] = []
    other: list[Commune] = []
    for province in data["provinces"]:
        for item in province["communes"]:
            commune = Commune(
                code=item["code"],
                name=item["name"],
                province=province["name"],
                former=tuple(Former(f["name"], f["district"], f["province"]) for f in item["former"]),
            )
            (hue if province["code"] == "46" else other).append(commune)
    return tuple(hue), tuple(other)


def hue_communes() -> tuple[Commune, ...]:
    return _places()[0]


@cache
def _commune_by_code() -> dict[str, Commune]:
    hue, other = _places()
    return {c.code: c for c in (*hue, *other)}


def _detail(rng: random.Random, commune: Commune) -> str:
    if commune.name.startswith("Xã"):
        return f"Thôn {rng.choice(HAMLET_WORDS)} {rng.choice(HAMLET_WORDS)}"
    if rng.random() < 0.3:
        return f"Kiệt {rng.randint(1, 200)} {rng.choice(STREETS)}, số {rng.randint(1, 60)}"
    return f"{rng.randint(1, 300)} {rng.choice(STREETS)}"


def address(rng: random.Random, *, in_hue: bool = True, written_before_2025: bool = False) -> dict[str, str]:
    """An address as a registry holds it: detail, commune, district (pre-2025 only), province, full text.

    Written before 2025, the commune is one of the units merged into the 2025 one and the text names its
    district and the province as it was then ("tỉnh Thừa Thiên Huế" for most of Huế's pre-2025 records).
    """
    hue, other = _places()
    commune = rng.choice(hue if in_hue else other)
    detail = _detail(rng, commune)
    if written_before_2025 and commune.former:
        former = rng.choice(commune.former)
        province = former.province
        if province == "Thành phố Huế" and rng.random() < 0.6:
            province = "Tỉnh Thừa Thiên Huế"  # written before Huế became a centrally-run city (2025)
        parts = [detail, former.name, former.district, province]
        return {
            "detail": detail,
            "commune": former.name,
            "district": former.district,
            "province": province,
            "text": ", ".join(p for p in parts if p),
        }
    return {
        "detail": detail,
        "commune": commune.name,
        "district": "",
        "province": commune.province,
        "text": f"{detail}, {commune.name}, {commune.province}",
    }


# --- people ---------------------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _name(rng: random.Random, *, male: bool, last: str | None = None) -> str:
    last = last or rng.choice(LAST_NAMES)
    middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
    first = rng.choice(FIRST_MALE if male else FIRST_FEMALE)
    return f"{last} {middle} {first}"


@dataclass(frozen=True)
class Core:
    """What a person's ID number encodes and the household decides: name, sex, birth date, birth province."""

    n: int
    full_name: str
    male: bool
    birth_date: dt.date
    birth_province: str
    relation: str


_BIRTH_PROVINCES = ("046",) * 8 + ("048", "001", "079", "045")


@lru_cache(maxsize=65_536)
def _household(h: int) -> tuple[Core, ...]:
    rng = random.Random(f"household:{h}")
    head_male = rng.random() < 0.8
    head_birth = _random_day(rng, dt.date(1940, 1, 1), dt.date(1992, 12, 31))
    spouse_birth = head_birth + dt.timedelta(days=rng.randint(-6 * 365, 6 * 365))
    family = rng.choice(LAST_NAMES)
    members = [
        Core(4 * h, _name(rng, male=head_male, last=family), head_male, head_birth, "", "Chủ hộ"),
        Core(
            4 * h + 1,
            _name(rng, male=not head_male),
            not head_male,
            spouse_birth,
            "",
            "Vợ" if head_male else "Chồng",
        ),
    ]
    mother_birth = spouse_birth if head_male else head_birth
    for k in (2, 3):
        male = rng.random() < 0.5
        born = mother_birth + dt.timedelta(days=rng.randint(20 * 365, 38 * 365))
        born = min(born, dt.date(2025, 6, 30))
        members.append(Core(4 * h + k, _name(rng, male=male, last=family), male, born, "", "Con"))
    with_province = []
    for core in members:
        province = random.Random(f"birthplace:{core.n}").choice(_BIRTH_PROVINCES)
        with_province.append(
            Core(core.n, core.full_name, core.male, core.birth_date, province, core.relation)
        )
    return tuple(with_province)


def _core(n: int) -> Core:
    return _household(n // HOUSEHOLD_SIZE)[n % HOUSEHOLD_SIZE]


def _century_sex_digit(core: Core) -> str:
    century = (core.birth_date.year // 100) - 19  # 1900s: 0, 2000s: 1
    return str(2 * century + (0 if core.male else 1))


def person_id(n: int) -> str:
    """The 12-digit personal ID number of person ``n`` (0 <= n < PEOPLE)."""
    if not 0 <= n < PEOPLE:
        raise ValueError(f"person index out of range: {n}")
    core = _core(n)
    serial = (n * _A + _B) % _MODULUS
    return f"{core.birth_province}{_century_sex_digit(core)}{core.birth_date.year % 100:02d}{serial:06d}"


def person_index(id_number: str) -> int | None:
    """The index of the person with this ID number, or None when no such person exists."""
    if len(id_number) != 12 or not id_number.isascii() or not id_number.isdigit():
        return None
    n = ((int(id_number[6:]) - _B) * _A_INV) % _MODULUS
    if n >= PEOPLE or person_id(n) != id_number:
        return None
    return n


def unknown_person_id(k: int = 0) -> str:
    """A well-formed ID number no person holds (for tests of the not-found path)."""
    candidate = 46_000_000_000 + 1_000_003 * (k + 1)
    while person_index(f"{candidate:012d}") is not None or idp_citizens.find(f"{candidate:012d}"):
        candidate += 1
    return f"{candidate:012d}"


def is_deceased(n: int) -> bool:
    return n % 53 == 7


def household_moved(h: int) -> bool:
    return h % 11 == 4


def written_before_2025(h: int) -> bool:
    return h % 4 == 1


def lives_elsewhere(n: int) -> bool:
    return n % 9 == 5 and _age(_core(n).birth_date) >= 18


def _age(born: dt.date) -> int:
    return (
        REFERENCE_DAY.year - born.year - ((REFERENCE_DAY.month, REFERENCE_DAY.day) < (born.month, born.day))
    )


def _death_day(n: int) -> dt.date:
    core = _core(n)
    rng = random.Random(f"death:{n}")
    return _random_day(rng, max(core.birth_date, dt.date(2015, 1, 1)), dt.date(2025, 12, 31))


def _household_address(h: int) -> tuple[dict[str, str], dict[str, str] | None, dt.date | None]:
    """(permanent residence, previous permanent residence if the household moved, the day it moved)."""
    rng = random.Random(f"residence:{h}")
    in_hue = rng.random() < 0.85
    permanent = address(rng, in_hue=in_hue, written_before_2025=written_before_2025(h))
    if not household_moved(h):
        return permanent, None, None
    previous = address(rng, in_hue=rng.random() < 0.7, written_before_2025=True)
    moved_on = _random_day(rng, dt.date(2018, 1, 1), dt.date(2025, 11, 30))
    if moved_on >= REFORM_DAY:
        permanent = address(rng, in_hue=in_hue, written_before_2025=False)
    return permanent, previous, moved_on


def _sex(core: Core) -> str:
    return "Nam" if core.male else "Nữ"


def population_record(n: int) -> dict[str, Any]:
    """Thông tin công dân: what the population registry answers about person ``n``."""
    core = _core(n)
    h = n // HOUSEHOLD_SIZE
    permanent, previous, moved_on = _household_address(h)
    current = permanent
    if lives_elsewhere(n):
        current = address(random.Random(f"current:{n}"), in_hue=False)
    deceased = is_deceased(n)
    members = [
        {
            "id_number": person_id(member.n),
            "full_name": member.full_name,
            "relation": member.relation,
            "birth_date": member.birth_date.isoformat(),
        }
        for member in _household(h)
        if not is_deceased(member.n)
    ]
    ethnicity = random.Random(f"ethnicity:{h}").choice(ETHNICITIES)
    return {
        "id_number": person_id(n),
        "full_name": core.full_name,
        "birth_date": core.birth_date.isoformat(),
        "sex": _sex(core),
        "ethnicity": ethnicity,
        "nationality": "Việt Nam",
        "permanent_address": permanent,
        "current_address": current,
        "previous_permanent_address": previous,
        "moved_on": _iso(moved_on),
        "household_relation": core.relation,
        "household_members": [] if deceased else members,
        "vital_status": "deceased" if deceased else "alive",
        "death_date": _iso(_death_day(n)) if deceased else None,
    }


def _demo_population(citizen: idp_citizens.Citizen) -> dict[str, Any]:
    text = f"{citizen.street}, {citizen.commune}, {citizen.province}"
    place = {
        "detail": citizen.street,
        "commune": citizen.commune,
        "district": "",
        "province": citizen.province,
    }
    return {
        "id_number": citizen.national_id,
        "full_name": citizen.full_name,
        "birth_date": citizen.birthdate,
        "sex": "Nam" if citizen.gender == "male" else "Nữ",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "permanent_address": {**place, "text": text},
        "current_address": {**place, "text": text},
        "previous_permanent_address": None,
        "moved_on": None,
        "household_relation": "Chủ hộ",
        "household_members": [
            {
                "id_number": citizen.national_id,
                "full_name": citizen.full_name,
                "relation": "Chủ hộ",
                "birth_date": citizen.birthdate,
            }
        ],
        "vital_status": "alive",
        "death_date": None,
    }


def _registered_at(rng: random.Random, when: dt.date) -> str:
    commune = rng.choice(hue_communes())
    if when < REFORM_DAY and commune.former:
        former = rng.choice(commune.former)
        return f"UBND {former.name}, {former.district}"
    return f"UBND {commune.name}"


def civil_status_record(n: int) -> dict[str, Any]:
    """Hộ tịch: the birth, marriage and death records of person ``n``."""
    core = _core(n)
    household = _household(n // HOUSEHOLD_SIZE)
    rng = random.Random(f"civil:{n}")
    if core.relation == "Con":
        father = next(m for m in household[:2] if m.male) if any(m.male for m in household[:2]) else None
        mother = (
            next(m for m in household[:2] if not m.male) if any(not m.male for m in household[:2]) else None
        )
        father_name = father.full_name if father else ""
        mother_name = mother.full_name if mother else ""
    else:
        father_name = _name(rng, male=True)
        mother_name = _name(rng, male=False)
    born_registered = core.birth_date + dt.timedelta(days=rng.randint(1, 55))
    birth = {
        "registered_on": born_registered.isoformat(),
        "registered_at": _registered_at(rng, born_registered),
        "book": f"{rng.randint(1, 40):02d}/{born_registered.year}",
        "entry": str(rng.randint(1, 400)),
        "father_name": father_name,
        "mother_name": mother_name,
        "place_of_birth": "Bệnh viện Trung ương Huế" if rng.random() < 0.6 else "Trạm y tế",
    }
    marriage = None
    if core.relation in ("Chủ hộ", "Vợ", "Chồng"):
        spouse = household[1] if core.relation == "Chủ hộ" else household[0]
        elder = max(core.birth_date, spouse.birth_date)
        married = elder + dt.timedelta(days=rng.randint(20 * 365, 30 * 365))
        married = min(married, dt.date(2025, 12, 1))
        marriage = {
            "registered_on": married.isoformat(),
            "registered_at": _registered_at(rng, married),
            "spouse_name": spouse.full_name,
            "spouse_id_number": person_id(spouse.n),
        }
    death = None
    if is_deceased(n):
        died = _death_day(n)
        death = {
            "died_on": died.isoformat(),
            "registered_on": (died + dt.timedelta(days=rng.randint(1, 14))).isoformat(),
            "registered_at": _registered_at(rng, died),
        }
    if death:
        marital = "Đã chết"
    elif marriage:
        marital = "Đã kết hôn"
    else:
        marital = "Chưa kết hôn"
    return {
        "id_number": person_id(n),
        "full_name": core.full_name,
        "birth": birth,
        "marriage": marriage,
        "death": death,
        "marital_status": marital,
    }


def _demo_civil_status(citizen: idp_citizens.Citizen) -> dict[str, Any]:
    rng = random.Random(f"civil-demo:{citizen.national_id}")
    born = dt.date.fromisoformat(citizen.birthdate)
    registered = born + dt.timedelta(days=rng.randint(1, 30))
    return {
        "id_number": citizen.national_id,
        "full_name": citizen.full_name,
        "birth": {
            "registered_on": registered.isoformat(),
            "registered_at": _registered_at(rng, registered),
            "book": f"{rng.randint(1, 40):02d}/{registered.year}",
            "entry": str(rng.randint(1, 400)),
            "father_name": _name(rng, male=True),
            "mother_name": _name(rng, male=False),
            "place_of_birth": "Bệnh viện Trung ương Huế",
        },
        "marriage": None,
        "death": None,
        "marital_status": "Chưa kết hôn",
    }


def find_population(id_number: str) -> dict[str, Any] | None:
    citizen = idp_citizens.find(id_number)
    if citizen is not None and citizen.national_id == id_number:
        return _demo_population(citizen)
    n = person_index(id_number)
    return None if n is None else population_record(n)


def find_civil_status(id_number: str) -> dict[str, Any] | None:
    citizen = idp_citizens.find(id_number)
    if citizen is not None and citizen.national_id == id_number:
        return _demo_civil_status(citizen)
    n = person_index(id_number)
    return None if n is None else civil_status_record(n)


# --- businesses -----------------------------------------------------------------------------------------


def business_code(m: int) -> str:
    """The 10-digit enterprise code of business ``m`` (0 <= m < BUSINESSES)."""
    if not 0 <= m < BUSINESSES:
        raise ValueError(f"business index out of range: {m}")
    return f"{BUSINESS_PREFIX}{(m * _BUSINESS_A + _BUSINESS_B) % _MODULUS:06d}"


def business_index(code: str) -> int | None:
    if len(code) != 10 or not code.isascii() or not code.isdigit() or not code.startswith(BUSINESS_PREFIX):
        return None
    m = ((int(code[4:]) - _BUSINESS_B) * _BUSINESS_A_INV) % _MODULUS
    return m if m < BUSINESSES else None


def unknown_business_code(k: int = 0) -> str:
    for serial in range(k, _MODULUS):
        code = f"{BUSINESS_PREFIX}{serial:06d}"
        if business_index(code) is None:
            return code
    raise ValueError("no unknown business code left")  # pragma: no cover


def business_status(m: int) -> str:
    if m % 23 == 5:
        return BUSINESS_STATUS_DISSOLVED
    if m % 17 == 3:
        return BUSINESS_STATUS_SUSPENDED
    return BUSINESS_STATUS_ACTIVE


def business_record(m: int) -> dict[str, Any]:
    """Thông tin đăng ký doanh nghiệp of business ``m``."""
    rng = random.Random(f"business:{m}")
    kind, short = rng.choice(BUSINESS_KINDS)
    trade = rng.choice(TRADES)
    family = rng.choice(LAST_NAMES)
    name = f"{kind.split(' một')[0].split(' hai')[0]} {trade} {family} {rng.choice(FIRST_MALE)}".upper()
    representative = rng.randrange(PEOPLE)
    rep = _core(representative)
    registered = _random_day(rng, dt.date(2005, 1, 1), dt.date(2025, 10, 31))
    return {
        "enterprise_code": business_code(m),
        "name": name,
        "business_type": kind,
        "short_type": short,
        "seat_address": address(rng, written_before_2025=registered < REFORM_DAY and rng.random() < 0.7),
        "legal_representative": rep.full_name,
        "legal_representative_id": person_id(representative),
        "registered_on": registered.isoformat(),
        "charter_capital_vnd": rng.choice((500, 1000, 2000, 5000, 10000, 50000)) * 1_000_000,
        "status": business_status(m),
    }


def find_business(code: str) -> dict[str, Any] | None:
    m = business_index(code)
    return None if m is None else business_record(m)


# --- land parcels ---------------------------------------------------------------------------------------


def parcel_id(commune_code: str, sheet: int, parcel: int) -> str:
    return f"{commune_code}-{sheet}-{parcel}"


def _parse_parcel(identifier: str) -> tuple[Commune, int, int] | None:
    parts = identifier.split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 6 for p in parts):
        return None
    commune = {c.code: c for c in hue_communes()}.get(parts[0])
    sheet, parcel = int(parts[1]), int(parts[2])
    if commune is None or not 1 <= sheet <= MAP_SHEETS or not 1 <= parcel <= PARCELS_PER_SHEET:
        return None
    return commune, sheet, parcel


def parcel_exists(identifier: str) -> bool:
    parsed = _parse_parcel(identifier)
    return parsed is not None and (parsed[1] * 1000 + parsed[2]) % 17 != 0


def land_record(identifier: str) -> dict[str, Any] | None:
    """Thông tin thửa đất: commune, sheet and parcel number, area, use, holder, certificate."""
    parsed = _parse_parcel(identifier)
    if parsed is None or not parcel_exists(identifier):
        return None
    commune, sheet, parcel = parsed
    rng = random.Random(f"land:{commune.code}:{sheet}:{parcel}")
    holder = rng.randrange(PEOPLE)
    use_code, use_name = rng.choice(LAND_USES[:2] if commune.name.startswith("Phường") else LAND_USES)
    issued = _random_day(rng, dt.date(1995, 1, 1), dt.date(2025, 10, 31))
    detail = _detail(rng, commune)
    if issued < REFORM_DAY and commune.former:
        former = rng.choice(commune.former)
        location = f"{detail}, {former.name}, {former.district}, {former.province}"
    else:
        location = f"{detail}, {commune.name}, {commune.province}"
    return {
        "parcel_id": identifier,
        "commune_code": commune.code,
        "commune": commune.name,
        "map_sheet": sheet,
        "parcel_number": parcel,
        "area_m2": round(rng.uniform(40, 400) if use_code in ("ODT", "ONT") else rng.uniform(300, 5000), 1),
        "land_use": use_name,
        "land_use_code": use_code,
        "location": location,
        "holder_name": _core(holder).full_name,
        "holder_id_number": person_id(holder),
        "certificate_number": f"{rng.choice(('CS', 'CH', 'DA', 'DB'))} {rng.randint(0, 999_999):06d}",
        "certificate_issued_on": issued.isoformat(),
    }


# --- lookups by kind ------------------------------------------------------------------------------------

KINDS = ("population", "business", "land", "civil_status")


def find(kind: str, identifier: str) -> dict[str, Any] | None:
    if kind == "population":
        return find_population(identifier)
    if kind == "civil_status":
        return find_civil_status(identifier)
    if kind == "business":
        return find_business(identifier)
    if kind == "land":
        return land_record(identifier)
    raise KeyError(kind)


def examples() -> dict[str, str]:
    """One identifier of each documented case (tests and the docs use them)."""

    def first(predicate: Any, start: int = 0) -> int:
        return next(n for n in range(start, PEOPLE) if predicate(n))

    alive = first(lambda n: not is_deceased(n) and not household_moved(n // 4) and not lives_elsewhere(n))
    hue = hue_communes()[0]
    parcel = next(
        parcel_id(hue.code, 1, p)
        for p in range(1, PARCELS_PER_SHEET)
        if parcel_exists(parcel_id(hue.code, 1, p))
    )
    missing_parcel = next(
        parcel_id(hue.code, 1, p)
        for p in range(1, PARCELS_PER_SHEET)
        if not parcel_exists(parcel_id(hue.code, 1, p))
    )
    return {
        "person": person_id(alive),
        "deceased": person_id(first(is_deceased)),
        "moved": person_id(first(lambda n: household_moved(n // 4) and not is_deceased(n))),
        "pre_2025_address": person_id(
            first(
                lambda n: written_before_2025(n // 4) and not household_moved(n // 4) and not is_deceased(n)
            )
        ),
        "lives_elsewhere": person_id(first(lambda n: lives_elsewhere(n) and not is_deceased(n))),
        "unknown_person": unknown_person_id(),
        "business": business_code(first(lambda m: business_status(m) == BUSINESS_STATUS_ACTIVE)),
        "dissolved_business": business_code(first(lambda m: business_status(m) == BUSINESS_STATUS_DISSOLVED)),
        "unknown_business": unknown_business_code(),
        "parcel": parcel,
        "unknown_parcel": missing_parcel,
    }
