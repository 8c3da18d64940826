"""Fixed test keys (random-looking, never used outside the tests)."""

import base64
import hashlib


def key(name: str) -> str:
    return base64.b64encode(hashlib.sha256(f"test key {name}".encode()).digest()).decode()


OLD = f"old:{key('old')}"
NEW = f"new:{key('new')}"
BLIND = key("blind index")
