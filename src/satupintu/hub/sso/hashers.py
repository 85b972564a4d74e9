"""Client secrets are 43 random URL-safe characters, not passwords: a slow hash adds nothing to them
and would cost every token exchange tens of milliseconds. They are kept as salted SHA-256."""

import hashlib

from satupintu.hub.accounts.hashers import DigestHasher


class ClientSecretHasher(DigestHasher):
    algorithm = "client_secret_sha256"

    def digest(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)
        return hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
