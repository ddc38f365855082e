"""Working time: the engine (engine.py), compiled calendars of service schedules (calendars.py),
the Russian production calendar (russia.py), and calendar import and generation (sources.py)."""
