"""Run priorities (Dagster's ``dagster/priority`` tag; higher runs first).

Manual launches (UI, CLI, queue client) outrank sensor launches for new sites, which outrank
scheduled re-crawls.
"""

PRIORITY_TAG = "dagster/priority"
TRIGGER_TAG = "seology/trigger"

MANUAL_PRIORITIES = {"high": 10, "normal": 0, "low": -5}
NEW_SITE_PRIORITY = -10
RECRAWL_PRIORITY = -20
