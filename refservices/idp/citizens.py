"""Demo citizens of the reference identity provider (fictitious people living in Huế)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

# One password for every demo citizen: this provider exists for demos and tests only.
DEMO_PASSWORD = "congdan@demo"


@dataclass(frozen=True)
class Citizen:
    """A person known to the identity provider; ``national_id`` is the 12-digit personal ID number."""

    national_id: str
    full_name: str
    birthdate: str  # ISO 8601, as the OIDC "birthdate" claim
    gender: str  # "male" / "female", as the OIDC "gender" claim
    street: str
    commune: str  # commune-level unit (xã, phường) after 1 July 2025
    province: str
    phone: str

    @property
    def address(self) -> dict[str, str]:
        """The OIDC "address" claim."""
        return {
            "formatted": f"{self.street}, {self.commune}, {self.province}",
            "street_address": self.street,
            "locality": self.commune,
            "region": self.province,
            "country": "VN",
        }


# Personal ID numbers follow the 12-digit layout: province of birth (046 = Huế), century and
# gender digit (0/1: 1900s male/female, 2/3: 2000s), two digits of the birth year, six digits.
CITIZENS: tuple[Citizen, ...] = (
    Citizen(
        "046085001234",
        "Nguyễn Văn An",
        "1985-03-12",
        "male",
        "12 Lê Lợi",
        "Phường Thuận Hóa",
        "Thành phố Huế",
        "0905123401",
    ),
    Citizen(
        "046190004321",
        "Trần Thị Bích Ngọc",
        "1990-11-02",
        "female",
        "45 Đinh Tiên Hoàng",
        "Phường Phú Xuân",
        "Thành phố Huế",
        "0905123402",
    ),
    Citizen(
        "046078005678",
        "Lê Quang Hưng",
        "1978-07-27",
        "male",
        "8 Kim Long",
        "Phường Kim Long",
        "Thành phố Huế",
        "0905123403",
    ),
    Citizen(
        "046301008765",
        "Phạm Thị Thu Hằng",
        "2001-01-19",
        "female",
        "Thôn Thanh Hà",
        "Xã Phú Vang",
        "Thành phố Huế",
        "0905123404",
    ),
    Citizen(
        "046065009999",
        "Hoàng Đức Thịnh",
        "1965-09-05",
        "male",
        "Tổ dân phố 3",
        "Phường Hương Thủy",
        "Thành phố Huế",
        "0905123405",
    ),
)

_BY_ID = {c.national_id: c for c in CITIZENS}


def find(national_id: str) -> Citizen | None:
    return _BY_ID.get(national_id.strip())


def authenticate(national_id: str, password: str) -> Citizen | None:
    """The citizen whose ID number and password match, or None."""
    citizen = find(national_id)
    ok = hmac.compare_digest(password.encode(), DEMO_PASSWORD.encode())
    return citizen if citizen is not None and ok else None
