"""`manage.py check --deploy` under production settings, in a fresh process."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "baeumteo.example.kr",
        "PII_ENCRYPTION_KEYS": f"k1:{key}",
        "PII_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    env.update(overrides)
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_it_passes_the_deploy_check_in_production() -> None:
    result = check_deploy(production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_the_development_secret_key() -> None:
    env = production_env()
    del env["SECRET_KEY"]
    result = check_deploy(env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
