"""The URL fetcher WeasyPrint gets: the report's own inline data, nothing else.

A report holds user-controlled text (resource names, tags). Autoescaping keeps
it text, and this fetcher is the second wall: ``data:`` URLs are served,
``file:`` URLs only inside the template's own folder (its images and CSS);
every other URL — ``http(s):``, ``ftp:``, ``file:///etc/passwd`` — is refused
and recorded, so no file is read and no request leaves the machine.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


class FetchRefused(ValueError):
    """A URL the report may not load (WeasyPrint skips the resource and goes on)."""


def _data_url(url: str) -> tuple[bytes, str]:
    header, _, payload = url[5:].partition(",")
    media_type = header.split(";")[0] or "text/plain"
    if header.endswith(";base64"):
        return base64.b64decode(payload, validate=False), media_type
    return unquote(payload).encode("utf-8"), media_type


def resolve_local(url: str, root: Path) -> Path:
    """The file a ``file:`` URL names, if it lies inside ``root`` (symlinks resolved)."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"refused {url}: remote file URLs are not loaded")
    path = Path(unquote(parts.path)).resolve()
    base = root.resolve()
    if not path.is_relative_to(base) or not path.is_file():
        raise FetchRefused(f"refused {url}: outside the template folder {base}")
    return path


def fetch(url: str, root: Path) -> tuple[bytes, str, str]:
    """Body, media type and URL for an allowed URL; :class:`FetchRefused` otherwise."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        body, media_type = _data_url(url)
        return body, media_type, url
    if scheme == "file":
        path = resolve_local(url, root)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path.read_bytes(), media_type, path.as_uri()
    raise FetchRefused(f"refused {url}: reports load no network or outside resources")


def weasyprint_fetcher(root: Path, refused: list[str]) -> Any:
    """A WeasyPrint ``URLFetcher`` applying :func:`fetch`; refused URLs land in ``refused``."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ReportFetcher(URLFetcher):
        """Serves inline data and template-folder files; refuses everything else."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            try:
                body, media_type, final = fetch(url, root)
            except FetchRefused as exc:
                refused.append(str(exc))
                raise
            return URLFetcherResponse(final, body, {"Content-Type": media_type})

    return ReportFetcher(allowed_protocols=("data", "file"))
