"""Search is case-insensitive for Cyrillic on SQLite too (issue 11, point 3), checked on a real
SQLite database: the embedded default of `make run`, where SQLite's own LIKE folds ASCII only.
The suite runs on PostgreSQL, so a separate process migrates a fresh SQLite file and searches it
(servicedesk/testing/sqlite_search.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from servicedesk.testing import sqlite_search

pytestmark = pytest.mark.slow

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict:
    database = tmp_path_factory.mktemp("sqlite") / "search.sqlite3"
    run = subprocess.run(
        [sys.executable, "-m", sqlite_search.__name__, str(database)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def test_ticket_search_ignores_case_of_cyrillic_words(found: dict) -> None:
    ids, tickets = found["ids"], found["found"]["tickets"]
    printers = sorted([ids["lower"], ids["title"], ids["upper"]])
    for text in ("принтер", "Принтер", "ПРИНТЕР", "пРиНтЕр"):
        assert tickets[text] == printers, text


def test_ticket_search_finds_requesters_and_numbers(found: dict) -> None:
    ids, tickets = found["ids"], found["found"]["tickets"]
    everything = sorted(ids[key] for key in ("lower", "title", "upper", "other"))
    assert tickets["щукин"] == tickets["ЩУКИН"] == everything  # the requester's name
    assert tickets["romashka"] == everything  # the requester's e-mail, stored as Romashka
    assert tickets["#4"] == [ids["other"]] and ids["other"] in tickets["4"]


def test_people_directory_and_requester_chooser_ignore_case(found: dict) -> None:
    directory, requesters = found["found"]["directory"], found["found"]["requesters"]
    for text in ("ёлкина", "ЁЛКИНА", "Ёлкина", "ольга"):
        assert directory[text] == ["Ёлкина Ольга"], text
    for text in ("ЩУК", "щук"):
        assert [option.split(" — ")[0] for option in requesters[text]] == ["Щукин Павел"], text
    for text in ("ёлк", "ЁЛК"):
        assert [option.split(" — ")[0] for option in requesters[text]] == ["Ёлкина Ольга"], text
