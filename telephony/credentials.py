"""Random SIP usernames and passwords, and the salted hash the built-in platform keeps."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string

USERNAME_LENGTH = 12
PASSWORD_LENGTH = 20
_USERNAME_ALPHABET = string.ascii_lowercase + string.digits
# Letters and digits only: every SIP phone's settings page accepts them.
_PASSWORD_ALPHABET = string.ascii_letters + string.digits

# scrypt cost: 2**14 with r=8 is the commonly recommended interactive setting (16 MiB).
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def new_username() -> str:
    """A random username: a lowercase letter then digits and letters, 12 characters."""
    first = secrets.choice(string.ascii_lowercase)  # some phones dislike leading digits
    rest = "".join(secrets.choice(_USERNAME_ALPHABET) for _ in range(USERNAME_LENGTH - 1))
    return first + rest


def new_password() -> str:
    """A strong random password (about 119 bits) with a letter and a digit at least."""
    while True:
        pw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """A salted scrypt hash, self-describing: scrypt$n$r$p$salt$digest."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches a hash made by `hash_password`."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(expected),
    )
    return hmac.compare_digest(actual, expected)
