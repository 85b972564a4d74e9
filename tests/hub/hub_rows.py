"""The hub tests' sample export rows and passwords (a module of its own, so that test modules import it
by a name no other test folder uses)."""

import hashlib


def md5(password: str) -> str:
    """A password as older SPSE versions store it: bare MD5 hex."""
    return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()


# The FAQ's example and friends, each a row of a portal's export (password: the user ID + "#Pw1").
CAHAYA = {
    "portal": "lkpp",
    "user_id": "CAHAYA",
    "npwp": "01.312.166.0-091.000",
    "name": "PT Cahaya",
    "address": "Jl. Jend. Sudirman No. 5 RT 03/RW 05",
    "province": "DKI Jakarta",
    "regency": "Jakarta Selatan",
    "postal_code": "12920",
    "email": "info@cahaya.co.id",
    "phone": "0215551234",
    "packages": "12",
    "registered_at": "2010-09-20",
    "status": "pusat",
}
PT_CAHAYA = {
    **CAHAYA,
    "portal": "jakarta",
    "user_id": "PT_CAHAYA",
    "npwp": "0013121660091000",
    "name": "PT. CAHAYA",
    "address": "JALAN SUDIRMAN NOMOR 05 RT.003 RW.005",
    "regency": "Kota Adm. Jakarta Selatan",
    "packages": "3",
    "registered_at": "2011-03-02",
}


def password_of(row: dict) -> str:
    return f"{row['user_id']}#Pw1"
