from __future__ import annotations

from servicedesk.formats import DATE_FORMAT, DATETIME_FORMAT, SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT, TIME_FORMAT

# "4 декабря", not Django's "4 Декабрь" (the admin's date drill-down): E is the genitive month.
MONTH_DAY_FORMAT = "j E"

__all__ = [
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
]
