"""Never report a delivery that did not happen (#13 item 17).

urllib followed a 302 by turning the POST into a body-less GET and reported the
GET's 200 as success; a 429's Retry-After was ignored. Tested against a real
local HTTP server (pytest-httpserver).
"""

from __future__ import annotations

import pytest
from werkzeug import Response

from cloudspy.notify.http import ChannelError, post, retry_after


def _post(url: str, retries: int = 2) -> int:
    return post(url, b'{"text": "spike"}', {"Content-Type": "application/json"},
                timeout=5, retries=retries, backoff=0.01)  # fmt: skip


def test_a_redirect_is_an_error_and_the_target_never_gets_a_bodyless_get(httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_response(
        Response(status=302, headers={"Location": httpserver.url_for("/elsewhere")})
    )
    httpserver.expect_request("/elsewhere").respond_with_data("ok")
    with pytest.raises(ChannelError, match=r"HTTP 302 .*a redirect; a POST is not followed"):
        _post(httpserver.url_for("/hook"))
    paths = [request.path for request, _ in httpserver.log]
    assert paths == ["/hook"]  # one POST, no retry, nothing sent to the new location


def test_429_waits_as_long_as_retry_after_asks(httpserver, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_response(
        Response(status=429, headers={"Retry-After": "7"})
    )
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("ok")
    assert _post(httpserver.url_for("/hook")) == 200
    assert waits == [7.0]
    [_, (second, _)] = httpserver.log
    assert second.get_data() == b'{"text": "spike"}'  # the retry carries the body


def test_a_non_2xx_success_status_is_not_delivery(httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_response(Response(status=204))
    assert _post(httpserver.url_for("/hook")) == 204  # 204 No Content is a success
    httpserver.clear()
    httpserver.expect_request("/hook", method="POST").respond_with_response(Response(status=404))
    with pytest.raises(ChannelError, match="HTTP 404"):
        _post(httpserver.url_for("/hook"))


@pytest.mark.parametrize(
    ("header", "seconds"),
    [(None, None), ("3", 3.0), ("600", 60.0), ("-5", 0.0), ("soon", None),
     ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)  # fmt: skip
def test_retry_after_values(header, seconds):
    assert retry_after(header) == seconds
