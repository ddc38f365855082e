"""Template side of servicedesk/admin_grammar.py: noun cases for the admin's own templates."""

from __future__ import annotations

from typing import Any

from django import template

from .. import admin_grammar

register = template.Library()


@register.simple_tag
def noun_accusative(opts: Any) -> str:
    return admin_grammar.accusative(opts)


@register.simple_tag
def noun_count(opts: Any, number: int) -> str:
    return admin_grammar.counted(opts, number)


@register.simple_tag
def admin_add_label(opts: Any) -> str:
    """Django's «Add %(name)s» with the noun in the accusative («Добавить заявку»)."""
    return admin_grammar.django_text("Add %(name)s") % {"name": admin_grammar.accusative(opts)}


@register.simple_tag
def django_text(msgid: str) -> str:
    """A msgid of Django's own admin, translated by Django's catalogue (not copied into ours)."""
    return admin_grammar.django_text(msgid)
