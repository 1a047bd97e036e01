"""Whether Application Default Credentials exist, without importing google-auth.

The same places google-auth looks, read from the environment and files only
(#12): ``GOOGLE_APPLICATION_CREDENTIALS`` (a service-account key or external
account file), then gcloud's ``application_default_credentials.json`` (under
``CLOUDSDK_CONFIG`` or ``~/.config/gcloud``), then the metadata server, but only
on a machine whose firmware says it is a Compute Engine VM, so nothing waits for
``metadata.google.internal`` on a laptop.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from cloudspy.providers.base import Ambient, fingerprint

DMI = Path("/sys/devices/virtual/dmi/id")

SETUP_HINT = (
    "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS "
    "to a service-account key file"
)


def adc_file(environ: Mapping[str, str]) -> Path:
    """gcloud's Application Default Credentials file."""
    base = environ.get("CLOUDSDK_CONFIG", "").strip()
    root = Path(base).expanduser() if base else Path.home() / ".config" / "gcloud"
    return root / "application_default_credentials.json"


def _identity(path: Path) -> str | None:
    """Who a credentials file is for (client e-mail or id), without any secret."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(
        info.get("client_email")
        or info.get("service_account_impersonation_url")
        or info.get("audience")
        or info.get("client_id")
        or info.get("type")
        or "unknown"
    )


def on_gce() -> bool:
    """Whether the firmware says this machine is a Compute Engine VM (no network involved)."""
    try:
        return (DMI / "product_name").read_text(encoding="utf-8").strip() in (
            "Google Compute Engine",
            "Google",
        )
    except OSError:
        return False


def detect(environ: Mapping[str, str] | None = None) -> Ambient | None:
    """The Application Default Credentials google-auth would use, or None."""
    env = os.environ if environ is None else environ
    named = env.get("GOOGLE_APPLICATION_CREDENTIALS", "").strip()
    if named:
        who = _identity(Path(named).expanduser())
        if who is not None:
            return Ambient(
                "gcp",
                f"gcp:file:{fingerprint(who)}",
                f"GCP credentials {who} (GOOGLE_APPLICATION_CREDENTIALS)",
            )
    who = _identity(adc_file(env))
    if who is not None:
        return Ambient(
            "gcp", f"gcp:adc:{fingerprint(who)}", f"GCP application default credentials ({who})"
        )
    if on_gce():
        return Ambient("gcp", "gcp:metadata", "the Compute Engine service account")
    return None


def config_section(ambient: Ambient) -> dict[str, object]:
    """The ``[gcp]`` section these credentials stand for: the billing export tables found
    in the projects they can see, looked up on first use."""
    return {"discover": True}
