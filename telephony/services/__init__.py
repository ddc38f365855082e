"""Business operations of telephony; the API, pages, admin, commands and tasks only call these."""
