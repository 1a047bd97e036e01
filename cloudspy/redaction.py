"""Strike secrets from any text CloudSpy prints or stores (issue #7).

Three kinds of secret can reach an error message: the alert secrets CloudSpy
read itself (remembered by :mod:`cloudspy.notify.secrets`), cloud credentials
that SDKs read from the environment, and credentials written into a URL
(``https://user:password@proxy``) that an SDK echoes when a connection fails.
"""

from __future__ import annotations

import os
import re

from cloudspy.notify import secrets

MASK = secrets.MASK
# Environment variables whose values are credentials, whoever reads them.
CREDENTIAL_VARIABLES = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "GOOGLE_API_KEY",
    *(secrets.env_name(name) for name in secrets.KNOWN),
)
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@", re.IGNORECASE)
_SHORTEST = 6  # shorter values (a test's "k") would blank out ordinary words


def scrub(text: str) -> str:
    """``text`` with known secret values and URL passwords replaced by ``***``."""
    values = {os.environ.get(name, "") for name in CREDENTIAL_VARIABLES}
    values |= secrets.remembered()
    for value in sorted((v for v in values if len(v) >= _SHORTEST), key=len, reverse=True):
        text = text.replace(value, MASK)
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}@", text)
