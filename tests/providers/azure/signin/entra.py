"""A local Entra ID and ARM over TLS, for the real azure-identity sign-in flow (#13 item 13).

Served over HTTPS with a certificate from a CA made for the test (trusted through
``REQUESTS_CA_BUNDLE``, as a corporate CA would be): MSAL reads the tenant's
OpenID configuration, posts the client-credentials grant to its token endpoint,
and the ARM clients call with the token it returned. Nothing is mocked inside
azure-identity, MSAL or azure-core.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


def make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate for 127.0.0.1 / localhost signed by it: (ca, cert, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CloudSpy test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = (folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(cert.public_bytes(pem))
    paths[2].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@dataclass
class Entra:
    """The fake's state: what it answers and what it was asked."""

    tenant: str
    client_id: str
    client_secret: str
    subscriptions: dict[str, Any]
    query: str
    requests: list[tuple[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    bearer_seen: list[str] = field(default_factory=list)
    token: str = "eyJ0eXAiOiJKV1QifQ.local-arm-token.signature"


class EntraServer:
    """Entra ID's OpenID configuration and token endpoint, and ARM, on one TLS port."""

    def __init__(self, state: Entra, cert: Path, key: Path) -> None:
        self.state = state
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._httpd.server_address[1]}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _reply(self, status: int, body: Any) -> None:
                data = (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method: str) -> None:
                state = server.state
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                state.requests.append((method, url.path))
                base = server.url
                tenant = state.tenant
                if url.path == f"/{tenant}/v2.0/.well-known/openid-configuration":
                    return self._reply(200, {
                        "issuer": f"{base}/{tenant}/v2.0",
                        "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
                        "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
                        "device_authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/devicecode",
                        "jwks_uri": f"{base}/{tenant}/discovery/v2.0/keys",
                    })  # fmt: skip
                if url.path == f"/{tenant}/oauth2/v2.0/token" and method == "POST":
                    form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                    state.token_requests.append(form)
                    if form.get("client_secret") != state.client_secret:
                        return self._reply(401, {
                            "error": "invalid_client",
                            "error_description": "AADSTS7000215: Invalid client secret provided.",
                            "error_codes": [7000215],
                        })  # fmt: skip
                    return self._reply(200, {
                        "token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                        "access_token": state.token,
                    })  # fmt: skip
                auth = self.headers.get("Authorization", "")
                if url.path.startswith("/subscriptions"):
                    state.bearer_seen.append(auth)
                    if auth != f"Bearer {state.token}":
                        return self._reply(401, {"error": {"code": "InvalidAuthenticationToken",
                                                           "message": "no valid token"}})  # fmt: skip
                    if url.path == "/subscriptions" and method == "GET":
                        return self._reply(200, state.subscriptions)
                    if url.path.endswith("/providers/Microsoft.CostManagement/query"):
                        return self._reply(200, state.query)
                return self._reply(404, {"error": {"code": "NotFound", "message": url.path}})

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

        return Handler
