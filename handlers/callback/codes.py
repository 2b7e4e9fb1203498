"""The call-back code: six random digits, kept only as a keyed hash, compared in constant time.

The key is `SIPDESK_CALLBACK_KEY` when set, else a random one made once and kept in Redis (shared
by every replica and worker), so a copy of the database alone cannot recover a code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from handlers.services import Services

LENGTH = 6


def new_code() -> str:
    return f"{secrets.randbelow(10**LENGTH):0{LENGTH}d}"


def code_hash(services: Services, request_id: int, code: str) -> str:
    message = f"sipdesk-callback:r{request_id}:{code}".encode()
    return hmac.new(_key(services), message, hashlib.sha256).hexdigest()


def matches(services: Services, request_id: int, keyed: str, stored_hash: str) -> bool:
    return hmac.compare_digest(code_hash(services, request_id, keyed), stored_hash)


def grouped(code: str) -> str:
    """482913 → 482 913: easier to read off the screen."""
    return f"{code[:3]} {code[3:]}"


def _key(services: Services) -> bytes:
    assert services.callback is not None
    if services.callback.key is not None:
        return services.callback.key
    name = f"{services.redis_prefix}callback:code-key"
    services.redis.set(name, secrets.token_hex(32), nx=True)
    stored = services.redis.get(name)
    assert stored is not None
    return stored if isinstance(stored, bytes) else str(stored).encode()
