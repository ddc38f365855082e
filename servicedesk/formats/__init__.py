"""The product's one date format, in both languages (FORMAT_MODULE_PATH in settings).

Pages, the bell (static/notifications/push.js), notification texts and the admin show a moment as
`01.03.2030 19:05` in the reader's time zone; Django's locale formats ("1 марта 2030 г. 19:05",
"March 1, 2030, 7:05 p.m.") would make the same moment read differently from page to page.
Input formats stay Django's.
"""

from __future__ import annotations

DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
