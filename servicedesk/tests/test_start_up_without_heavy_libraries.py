"""`django.setup()` alone (every management command, Celery worker and web process starts with it)
imports no client library that only some code paths use: each loads when first called."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A fresh interpreter: in the test process all of these are imported long before.
PROBE = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
import django
django.setup()
print(json.dumps(sorted(sys.modules)))
"""

# ldap3: the directory client; telegram: the Bot API client; requests, exchangelib, msal: the
# HTTPS mail protocols, OAuth2 tokens and webhooks; lxml: HTML mail bodies.
NOT_AT_START_UP = ("ldap3", "telegram", "requests", "exchangelib", "msal", "lxml")


def test_django_setup_does_not_import_client_libraries() -> None:
    # The probe inherits the suite's settings module (same INSTALLED_APPS as production).
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert "servicedesk.admin_directory" in modules  # the admin was discovered: the probe saw a real start-up
    loaded = sorted({name.split(".")[0] for name in modules} & set(NOT_AT_START_UP))
    assert loaded == []


def test_processes_collect_garbage_less_often_than_cpythons_default() -> None:
    """Every process of ours (they all import servicedesk) runs with servicedesk.gctune's thresholds."""
    probe = PROBE.replace("print(json.dumps(sorted(sys.modules)))", "import gc; print(gc.get_threshold())")
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "(20000, 20, 20)"
