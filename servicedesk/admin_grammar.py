"""Russian grammar for the technologist interface (Django admin), without touching Django's own
translations.

Django builds its admin sentences by inserting a model's `verbose_name` into translated templates:
«Выберите %s для изменения», «Добавить %s» and «Вы уверены, что хотите удалить %s» need the
accusative, «Удаление %s» the genitive, «Удалить выбранные %s» and «Выбрать все %s» the accusative
plural, a count («5 заявок») the plural form of the number, and «%s … был успешно изменён» agrees in
gender. One nominative `verbose_name` cannot serve them all (feminine and animate nouns break), so
each model also declares a `Noun`: its forms are English msgids with a context ("accusative", …),
translated in the project catalogue, so English stays exactly as Django writes it.

`ServiceDeskAdminSite.register` mixes `GrammarMixin` into every ModelAdmin, so apps only call
`register_nouns` with their models' nouns. A model without one keeps Django's wording.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.actions import delete_selected
from django.db.models.options import Options
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, pgettext

# Django's own admin msgids are looked up through this alias: makemessages does not know the name,
# so they are not copied into the project catalogue and Django's translations stand.
django_text = gettext
django_text_lazy = gettext_lazy

MASCULINE, FEMININE, NEUTER = "masculine", "feminine", "neuter"


@dataclass(frozen=True)
class Noun:
    accusative: Promise | str
    accusative_plural: Promise | str
    genitive: Promise | str
    count: Promise | str  # an ngettext_lazy with the number in "%(count)s"
    gender: str = MASCULINE

    def counted(self, number: int) -> str:
        return str(self.count % {"count": number})


_nouns: dict[str, Noun] = {}


def register_nouns(nouns: Mapping[Any, Noun]) -> None:
    """`{Model or "app_label.model_name": Noun}`; called from each app's admin module."""
    for model, noun in nouns.items():
        key = model if isinstance(model, str) else model._meta.label_lower
        _nouns[key.lower()] = noun


def noun_for(opts: Options | Any) -> Noun | None:
    return _nouns.get(str(getattr(opts, "label_lower", "")))


def accusative(opts: Options | Any) -> str:
    noun = noun_for(opts)
    return str(noun.accusative) if noun else str(opts.verbose_name)


def counted(opts: Options | Any, number: int) -> str:
    """«5 заявок», «1 заявка»: the count with the right plural form."""
    noun = noun_for(opts)
    if noun is not None:
        return noun.counted(number)
    return f"{number} {opts.verbose_name if number == 1 else opts.verbose_name_plural}"


# Django's admin messages that name the object, as (msgid, gendered msgids by pgettext context).
_MESSAGES = (
    "The {name} “{obj}” was added successfully.",
    "The {name} “{obj}” was added successfully. You may add another {name} below.",
    "The {name} “{obj}” was added successfully. You may edit it again below.",
    "The {name} “{obj}” was changed successfully.",
    "The {name} “{obj}” was changed successfully. You may edit it again below.",
    "The {name} “{obj}” was changed successfully. You may add another {name} below.",
    "The %(name)s “%(obj)s” was deleted successfully.",
)


def _gendered(msgid: str, gender: str) -> str:
    """Our own translation of a Django message for a noun of `gender` (contexts "masculine",
    "feminine", "neuter"); the msgids are listed in `gendered_messages` for makemessages."""
    return pgettext(gender, msgid)


def gendered_messages() -> list[str]:
    """Literal msgids, so makemessages extracts each message in each gender."""
    return [
        pgettext("masculine", "The {name} “{obj}” was added successfully."),
        pgettext("feminine", "The {name} “{obj}” was added successfully."),
        pgettext("neuter", "The {name} “{obj}” was added successfully."),
        pgettext("masculine", "The {name} “{obj}” was added successfully. You may add another {name} below."),
        pgettext("feminine", "The {name} “{obj}” was added successfully. You may add another {name} below."),
        pgettext("neuter", "The {name} “{obj}” was added successfully. You may add another {name} below."),
        pgettext("masculine", "The {name} “{obj}” was added successfully. You may edit it again below."),
        pgettext("feminine", "The {name} “{obj}” was added successfully. You may edit it again below."),
        pgettext("neuter", "The {name} “{obj}” was added successfully. You may edit it again below."),
        pgettext("masculine", "The {name} “{obj}” was changed successfully."),
        pgettext("feminine", "The {name} “{obj}” was changed successfully."),
        pgettext("neuter", "The {name} “{obj}” was changed successfully."),
        pgettext("masculine", "The {name} “{obj}” was changed successfully. You may edit it again below."),
        pgettext("feminine", "The {name} “{obj}” was changed successfully. You may edit it again below."),
        pgettext("neuter", "The {name} “{obj}” was changed successfully. You may edit it again below."),
        pgettext("masculine", "The {name} “{obj}” was changed successfully. You may add another {name} below."),
        pgettext("feminine", "The {name} “{obj}” was changed successfully. You may add another {name} below."),
        pgettext("neuter", "The {name} “{obj}” was changed successfully. You may add another {name} below."),
        pgettext("masculine", "The %(name)s “%(obj)s” was deleted successfully."),
        pgettext("feminine", "The %(name)s “%(obj)s” was deleted successfully."),
        pgettext("neuter", "The %(name)s “%(obj)s” was deleted successfully."),
    ]


def _pattern(template: str, name: str) -> re.Pattern[str]:
    """A regex matching Django's rendered message for this model, capturing the object part."""
    parts = re.split(r"(\{name\}|\{obj\}|%\(name\)s|%\(obj\)s)", template)
    regex = ""
    for part in parts:
        if part in ("{name}", "%(name)s"):
            regex += r"(?:" + re.escape(name) + "|" + re.escape(capfirst(name) or "") + ")"
        elif part in ("{obj}", "%(obj)s"):
            regex += r"(?P<obj>.*)"
        else:
            regex += re.escape(part)
    return re.compile(regex + r"\Z", re.DOTALL)


def regender(message: str, opts: Options | Any) -> str | None:
    """Django's message about one object, retold in the noun's gender; None when it is not one."""
    noun = noun_for(opts)
    if noun is None:
        return None
    name = str(opts.verbose_name)
    for msgid in _MESSAGES:
        match = _pattern(django_text(msgid), escape(name)).match(message) or _pattern(django_text(msgid), name).match(
            message
        )
        if match is None:
            continue
        text = _gendered(msgid, noun.gender)
        obj = match.group("obj")
        values = {"name": escape(capfirst(name)), "obj": obj}
        rendered = text.format(**values) if "{obj}" in text else text % values
        return mark_safe(rendered) if isinstance(message, SafeString) else rendered  # noqa: S308 (parts escaped)
    return None


class GrammarMixin:
    """Puts the noun's cases into the admin's titles, questions and messages (see module doc)."""

    opts: Options

    def message_user(self, request: HttpRequest, message: Any, *args: Any, **kwargs: Any) -> None:
        retold = regender(str(message) if not isinstance(message, SafeString) else message, self.opts)
        super().message_user(request, retold if retold is not None else message, *args, **kwargs)  # type: ignore[misc]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        noun = noun_for(self.opts)
        context = getattr(response, "context_data", None)
        if noun is not None and isinstance(response, TemplateResponse) and context and "cl" in context:
            if context.get("is_popup"):
                template = django_text("Select %s")
            elif self.has_change_permission(request):  # type: ignore[attr-defined]
                template = django_text("Select %s to change")
            else:
                template = django_text("Select %s to view")
            context["title"] = template % noun.accusative
            context["module_name"] = str(noun.accusative_plural)
        return response

    def render_change_form(self, request: HttpRequest, context: dict, *args: Any, **kwargs: Any) -> HttpResponse:
        noun = noun_for(self.opts)
        add = kwargs.get("add", args[0] if args else False)
        obj = kwargs.get("obj")
        if noun is not None and not context.get("is_popup"):
            if add:
                context["title"] = django_text("Add %s") % noun.accusative
            elif self.has_change_permission(request, obj):  # type: ignore[attr-defined]
                context["title"] = django_text("Change %s") % noun.accusative
            else:
                context["title"] = django_text("View %s") % noun.accusative
        return super().render_change_form(request, context, *args, **kwargs)  # type: ignore[misc]

    def render_delete_form(self, request: HttpRequest, context: dict) -> HttpResponse:
        noun = noun_for(self.opts)
        if noun is not None:
            # «Удалить заявку …?» asks with the accusative; «Удаление заявки … потребует …» the genitive.
            blocked = context.get("perms_lacking") or context.get("protected")
            context["object_name"] = str(noun.genitive if blocked else noun.accusative)
        return super().render_delete_form(request, context)  # type: ignore[misc]

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """Django lists the rows of many-to-many link tables it deletes («User-group relationship:
        User_groups object (1)»), untranslated and meaningless to people: leave them out."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)  # type: ignore[misc]
        links = _link_table_names()
        model_count = {name: count for name, count in model_count.items() if str(name) not in links}
        return _without_links(to_delete, links), model_count, perms_needed, protected

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)  # type: ignore[misc]
        noun = noun_for(self.opts)
        if noun is not None and "delete_selected" in actions:
            description = django_text("Delete selected %(verbose_name_plural)s") % {
                "verbose_name_plural": noun.accusative_plural
            }
            actions["delete_selected"] = (_delete_selected_with_cases, "delete_selected", description)
        return actions


def _link_table_names() -> set[str]:
    from django.apps import apps
    from django.utils import translation

    names: set[str] = set()
    links = [model for model in apps.get_models(include_auto_created=True) if model._meta.auto_created]
    for language in (translation.get_language(), None):  # Django names them in either
        with translation.override(language):
            for model in links:
                for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
                    names.update({str(name), str(capfirst(name))})
    return names


def _without_links(items: list, links: set[str]) -> list:
    kept: list = []
    for item in items:
        if isinstance(item, list):
            nested = _without_links(item, links)
            if nested:
                kept.append(nested)
        elif not any(str(item).startswith(f"{name}:") for name in links):
            kept.append(item)
    return kept


def _delete_selected_with_cases(modeladmin: Any, request: HttpRequest, queryset: Any) -> HttpResponse | None:
    response = delete_selected(modeladmin, request, queryset)
    noun = noun_for(modeladmin.opts)
    context = getattr(response, "context_data", None)
    if noun is not None and context is not None and "objects_name" in context:
        many = len(context.get("queryset") or []) != 1
        blocked = context.get("perms_lacking") or context.get("protected")
        form = noun.genitive if blocked else (noun.accusative_plural if many else noun.accusative)
        context["objects_name"] = str(form)
    return response


__all__ = [
    "FEMININE",
    "MASCULINE",
    "NEUTER",
    "GrammarMixin",
    "Noun",
    "accusative",
    "counted",
    "noun_for",
    "register_nouns",
]
