"""django-axes' own texts (field and model names of the login journal, its lockout messages) read
in Russian from the project's catalogue, whether or not the package ships a compiled translation."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.test import Client
from django.utils import translation

from servicedesk.models import User

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def test_every_axes_name_is_russian() -> None:
    with translation.override("ru"):
        for model in (AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog):
            names = [model._meta.verbose_name, model._meta.verbose_name_plural]
            names += [f.verbose_name for f in model._meta.get_fields() if hasattr(f, "verbose_name")]
            for name in names:
                text = str(name)
                if text.lower() in ("id", "ip", "username") or text == model._meta.model_name:
                    continue
                assert CYRILLIC.search(text), (model.__name__, text)
        assert str(translation.gettext("Attempt Time")) == "Время попытки"


@pytest.mark.django_db
def test_login_journal_filters_read_in_russian(client: Client) -> None:
    root = User.objects.create_superuser("root", "root@corp.example", "pass-Word-42")
    Client().post("/admin/login/", {"username": "system", "password": "неверный"}, HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(root)
    html = client.get("/admin/servicedesk/loginfailure/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Время попытки" in html
    assert "Attempt Time" not in html and "Attempt time" not in html
