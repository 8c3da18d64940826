"""The one password of every demo account, printed by `manage.py demo`.

Kept apart from the seeding code so that tools outside Django (the browser
tests' site runner, scripts/screenshot.py) can read it without loading models.
"""

DEMO_PASSWORD = "baeumteo-demo-2026"
