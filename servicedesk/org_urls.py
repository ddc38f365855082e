"""Maintaining the organisation in the operator interface, under /org/."""

from __future__ import annotations

from django.urls import path

from .views import org_admin

urlpatterns = [
    path("", org_admin.org_home, name="org_home"),
    path("people/<str:kind>/new/", org_admin.person_edit, name="org_person_new"),
    path("people/<str:kind>/<int:pk>/edit/", org_admin.person_edit, name="org_person_edit"),
    path("<str:slug>/", org_admin.org_list, name="org_list"),
    path("<str:slug>/new/", org_admin.org_edit, name="org_new"),
    path("<str:slug>/<int:pk>/edit/", org_admin.org_edit, name="org_edit"),
    path("<str:slug>/<int:pk>/delete/", org_admin.org_delete, name="org_delete"),
]
