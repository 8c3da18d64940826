"""Settings for bench/rush.py: the project as deployed, plus the baseline's URL.

gunicorn serves the real project with these settings; the only difference is
the URL configuration, which adds the bare baseline view (bench/rush_baseline.py)
in front of the project's own URLs.
"""

from baeumteo.settings import *  # noqa: F403

ROOT_URLCONF = "bench.rush_baseline"
# The bench speaks plain http to 127.0.0.1.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
