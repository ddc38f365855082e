"""Escalation and telephony models are named in the technologist interface's Russian sentences in
the right case, number and gender (servicedesk/admin_grammar.py), as the core's and the
notification app's models are: «Выберите схему эскалации», «5 вызовов», «АТС … успешно изменена»."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from escalation.models import EscalationFiring, EscalationLevel, EscalationScheme
from servicedesk.admin_grammar import accusative, counted, django_text, noun_for, regender
from servicedesk.models import User
from telephony.models import CallbackRule, MissedCallDigest, Pbx, PbxCall, PbxToken

pytestmark = pytest.mark.django_db

MODELS = (EscalationScheme, EscalationLevel, EscalationFiring, Pbx, PbxToken, PbxCall, MissedCallDigest, CallbackRule)


def test_every_model_has_its_russian_forms() -> None:
    with translation.override("ru"):
        assert all(noun_for(model._meta) is not None for model in MODELS)
        assert accusative(EscalationScheme._meta) == "схему эскалации"
        assert counted(EscalationLevel._meta, 5) == "5 уровней эскалации"
        assert counted(PbxCall._meta, 2) == "2 вызова"
        assert counted(PbxCall._meta, 21) == "21 вызов"
        assert counted(MissedCallDigest._meta, 11) == "11 писем о пропущенных вызовах"
        assert accusative(PbxToken._meta) == "токен API"
    with translation.override("en"):
        assert accusative(EscalationScheme._meta) == "escalation scheme"  # English stays Django's


def test_pages_say_it_in_russian(cast) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@corp.example", "pass-Word-42"))
    headers = {"HTTP_ACCEPT_LANGUAGE": "ru"}
    # The request activates Russian in this thread (LocaleMiddleware); the override puts the
    # language back afterwards, so later tests are not run in Russian.
    with translation.override(translation.get_language()):
        page = client.get(reverse("admin:escalation_escalationscheme_changelist"), **headers).content.decode()
    assert "Выберите схему эскалации для изменения" in page
    with translation.override("ru"):
        changed = django_text("The {name} “{obj}” was changed successfully.").format(
            name=Pbx._meta.verbose_name, obj="Офисная АТС"
        )
        assert regender(changed, Pbx._meta) == "АТС «Офисная АТС» успешно изменена."
        deleted = django_text("The %(name)s “%(obj)s” was deleted successfully.") % {
            "name": CallbackRule._meta.verbose_name,
            "obj": "Повторные звонки",
        }
        assert "удалено" in str(regender(deleted, CallbackRule._meta))
