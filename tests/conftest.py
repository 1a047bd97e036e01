"""Shared test setup: keep every SDK on loopback, and give tests stores and a CLI runner.

The environment below is set before any cloud client is built (DESIGN.md §5):
with no credentials, boto3, google-auth and azure-identity each probe the
cloud metadata address 169.254.169.254; these variables stop all three.
"""

from __future__ import annotations

import os

_LOOPBACK_ENV = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "GCE_METADATA_HOST": "127.0.0.1:9",
    "GCE_METADATA_IP": "127.0.0.1:9",
    "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:9",
    "NO_COLOR": "1",
    "COLUMNS": "200",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    # One Windows AMI (moto's defaults are off): instances launched from it report
    # Platform=windows, which pricing reads (#14).
    "MOTO_AMIS_PATH": os.path.join(os.path.dirname(__file__), "fixtures", "aws", "moto-amis.json"),
}
os.environ.update(_LOOPBACK_ENV)
for _name in (
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "CLOUDSPY_DB",
    "CLOUDSPY_CONFIG",
    "CLOUDSPY_DEMO_DB",
    "GITHUB_STEP_SUMMARY",
    "CLOUDSPY_NOW",
):
    os.environ.pop(_name, None)
for _name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL_")]:
    os.environ.pop(_name, None)  # per-service endpoints, e.g. AWS_ENDPOINT_URL_ATHENA

from dataclasses import dataclass  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
FOCUS_SAMPLE = FIXTURES / "focus" / "focus_sample_1000.csv"
DEMO_TODAY = date(2026, 11, 25)
PINNED_NOW = f"{DEMO_TODAY.isoformat()}T12:00:00"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's config, cache or AWS files."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))


@pytest.fixture(scope="session")
def price_servers():
    """Empty local price lists (AWS Price List Query API, Azure Retail Prices API,
    Cloud Billing Catalog), #14.

    Every inventory sync asks the providers' price lists; pointed here, no test
    asks the real ones. An empty list answers "no such product", so resources
    fall back to the shipped table exactly as before the lists existed; tests of
    the price lists start servers of their own with a catalogue.
    """
    from tests.pricing.price_servers import AwsPriceServer, AzurePriceServer, GcpCatalogServer

    servers = AwsPriceServer().start(), AzurePriceServer().start(), GcpCatalogServer().start()
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(autouse=True)
def _local_price_lists(price_servers, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the three price lists at the session's empty local servers."""
    aws, azure, gcp = price_servers
    monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", aws.url)
    monkeypatch.setenv("CLOUDSPY_AZURE_PRICES_ENDPOINT", azure.url)
    monkeypatch.setenv("CLOUDSPY_GCP_CATALOG_ENDPOINT", gcp.url)


@pytest.fixture(autouse=True)
def _pinned_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees DEMO_TODAY, noon UTC, as now, whatever day the suite runs (#12).

    CloudSpy asks the time in one place (cloudspy/clock.py, ``CLOUDSPY_NOW``), so
    pinning it here makes "the last 30 days", month boundaries, idle windows and
    snapshot ages the same on any day, and a run across UTC midnight cannot split
    a test's data from the CLI's idea of today. A test that needs the real clock
    (because a server it talks to stamps objects with the real time) says why with
    ``@pytest.mark.real_clock("why")``.
    """
    marker = request.node.get_closest_marker("real_clock")
    if marker is not None:
        if not marker.args or not str(marker.args[0]).strip():
            raise pytest.UsageError(f"{request.node.nodeid}: real_clock needs a reason")
        monkeypatch.delenv("CLOUDSPY_NOW", raising=False)
        return
    monkeypatch.setenv("CLOUDSPY_NOW", PINNED_NOW)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A path for a fresh cache file (not created yet)."""
    return tmp_path / "cache.duckdb"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store ending on DEMO_TODAY, built once per session (read-only use)."""
    from cloudspy.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    load_demo(path, today=DEMO_TODAY)
    return path


@dataclass
class CliResult:
    """What a CLI run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli():
    """Run the CLI through Typer's test runner; stdout and stderr are kept apart."""
    from typer.testing import CliRunner

    from cloudspy.cli.main import app

    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> CliResult:
        result = runner.invoke(app, [str(a) for a in args], env=env)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture(scope="session")
def moto_server():
    """moto's server on loopback for the whole session; yields its base URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """boto3 pointed at a freshly reset moto server with fake credentials."""
    import urllib.request

    urllib.request.urlopen(
        urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    ).read()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return moto_server
