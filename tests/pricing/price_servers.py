"""Local price-list servers speaking the providers' real protocols and shapes (#14).

- :class:`AwsPriceServer`: the Price List Query API as the pinned botocore calls
  it (JSON 1.1, ``X-Amz-Target: AWSPriceListService.GetProducts``, SigV4-signed),
  answering ``PriceList`` entries as JSON *strings*, each product a copy of the
  recorded answers in ``tests/fixtures/prices/`` with the attributes and price
  a test sets. ``TERM_MATCH`` filters must all equal a product's attributes (a
  field the product lacks matches nothing, as on AWS); pages of
  :attr:`AwsPriceServer.page_size` with ``NextToken``.
- :class:`AzurePriceServer`: ``GET /api/retail/prices`` with an OData
  ``$filter`` of ``eq`` terms joined by ``and``, items in the recorded shape,
  ``NextPageLink`` paging (``$skip``), as prices.azure.com pages.

Both count requests and can answer the next ones with throttling.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from tests import paths

FIXTURES = paths.FIXTURES / "prices"


def _recorded(name: str) -> dict[str, Any]:
    document = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return json.loads(document["PriceList"][0])


class _Server:
    """A threading HTTP server on loopback with a request counter and queued faults."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.requests = 0
        self.throttle = 0  # answer this many next requests with throttling
        self.delay = 0.0  # seconds before each answer (benchmarks: a remote API's latency)
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> _Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def count(self) -> bool:
        """Count one request (after :attr:`delay`); True when it is to be throttled."""
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.requests += 1
            if self.throttle:
                self.throttle -= 1
                return True
            return False


@dataclass
class AwsPriceServer(_Server):
    """The Price List Query API over a catalogue of products."""

    products: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 100
    bodies: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(_AwsHandler)

    def instance(
        self,
        instance_type: str,
        region: str,
        price: str,
        *,
        system: str = "Linux",
        software: str = "NA",
        licence: str = "No License required",
        operation: str = "RunInstances",
        effective: str = "2025-06-01T00:00:00Z",
    ) -> None:
        """Add an on-demand instance product (the recorded a1.large product, rewritten)."""
        product = _recorded("pricing_get-products_ec2_m4.large_us-east-1.json")
        attributes = product["product"]["attributes"]
        attributes.update(
            instanceType=instance_type,
            regionCode=region,
            operatingSystem=system,
            preInstalledSw=software,
            licenseModel=licence,
            operation=operation,
            usagetype=f"BoxUsage:{instance_type}",
        )
        _set_on_demand(product, [("Hrs", "0", price)], effective, f"{system} {instance_type}")
        self.products.append(product)

    def volume(
        self,
        api_name: str,
        region: str,
        dimensions: list[tuple[str, str, str]],
        *,
        family: str = "Storage",
        effective: str = "2025-06-01T00:00:00Z",
    ) -> None:
        """Add a volume product; ``dimensions`` are (unit, beginRange, USD price)."""
        product = _recorded("pricing_get-products_ebs_gp2.json")
        product["product"]["productFamily"] = family
        product["product"]["attributes"].update(volumeApiName=api_name, regionCode=region)
        _set_on_demand(product, dimensions, effective, f"{api_name} {family}")
        self.products.append(product)

    def usage(
        self,
        service: str,
        family: str,
        region: str,
        usagetype: str,
        dimensions: list[tuple[str, str, str]],
        *,
        effective: str = "2025-06-01T00:00:00Z",
    ) -> None:
        """Add a product of ``family`` in ``service`` (load balancers, snapshots …),
        its ``usagetype`` as AWS writes it (region prefix and all)."""
        product = _recorded("pricing_get-products_ebs_gp2.json")
        product["serviceCode"] = service
        product["product"]["productFamily"] = family
        product["product"]["attributes"] = {
            "servicecode": service,
            "productFamily": family,
            "regionCode": region,
            "usagetype": usagetype,
            "locationType": "AWS Region",
        }
        _set_on_demand(product, dimensions, effective, f"{family} {usagetype}")
        self.products.append(product)

    def matching(self, service: str, filters: list[dict[str, str]]) -> list[dict[str, Any]]:
        """The products every TERM_MATCH filter selects."""

        def fits(product: dict[str, Any]) -> bool:
            attributes = {
                "productFamily": product["product"].get("productFamily"),
                **product["product"]["attributes"],
            }
            if product.get("serviceCode", "AmazonEC2") != service:
                return False
            return all(
                f["Type"] == "TERM_MATCH" and attributes.get(f["Field"]) == f["Value"]
                for f in filters
            )

        return [p for p in self.products if fits(p)]


def _set_on_demand(
    product: dict[str, Any], dimensions: list[tuple[str, str, str]], effective: str, what: str
) -> None:
    sku = f"SKU{abs(hash((what, json.dumps(dimensions)))) % 10**10:010d}"
    product["product"]["sku"] = sku
    product["terms"] = {
        "OnDemand": {
            f"{sku}.JRTCKXETXF": {
                "priceDimensions": {
                    f"{sku}.JRTCKXETXF.{index}": {
                        "unit": unit,
                        "endRange": "Inf",
                        "description": f"${price} per {unit} of {what}",
                        "appliesTo": [],
                        "rateCode": f"{sku}.JRTCKXETXF.{index}",
                        "beginRange": begin,
                        "pricePerUnit": {"USD": price},
                    }
                    for index, (unit, begin, price) in enumerate(dimensions)
                },
                "sku": sku,
                "effectiveDate": effective,
                "offerTermCode": "JRTCKXETXF",
                "termAttributes": {},
            }
        }
    }


class _AwsHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        return None

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        server: AwsPriceServer = self.server.owner  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if server.count():
            self._send(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
            return
        target = self.headers.get("X-Amz-Target")
        signed = (self.headers.get("Authorization") or "").startswith("AWS4-HMAC-SHA256")
        if target != "AWSPriceListService.GetProducts" or not signed:
            self._send(400, {"__type": "InvalidParameterException", "message": str(target)})
            return
        server.bodies.append(body)
        found = server.matching(str(body.get("ServiceCode")), body.get("Filters") or [])
        start = int(body.get("NextToken") or 0)
        size = min(int(body.get("MaxResults") or 100), server.page_size)
        page: dict[str, Any] = {
            "FormatVersion": "aws_v1",
            "PriceList": [json.dumps(p) for p in found[start : start + size]],
        }
        if start + size < len(found):
            page["NextToken"] = str(start + size)
        self._send(200, page)


@dataclass
class AzurePriceServer(_Server):
    """The Retail Prices API over a list of items."""

    items: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 100
    filters: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(_AzureHandler)

    def item(
        self,
        *,
        sku: str,
        region: str,
        price: float,
        meter: str,
        product: str,
        service: str = "Virtual Machines",
        unit: str = "1 Hour",
        sku_name: str | None = None,
        kind: str = "Consumption",
        effective: str = "2025-05-01T00:00:00Z",
        tier: float = 0.0,
    ) -> None:
        """Add an item in the recorded shape (the first recorded item, rewritten)."""
        document = json.loads((FIXTURES / "retail-prices_compute.json").read_text("utf-8"))
        item = copy.deepcopy(document["Items"][0])
        item.update(
            armSkuName=sku,
            armRegionName=region,
            retailPrice=price,
            unitPrice=price,
            meterName=meter,
            productName=product,
            serviceName=service,
            unitOfMeasure=unit,
            skuName=sku_name or meter,
            type=kind,
            effectiveStartDate=effective,
            tierMinimumUnits=tier,
        )
        self.items.append(item)


_TERM = re.compile(r"^\s*(\w+) eq '((?:[^']|'')*)'\s*$")
_FIELDS = {"priceType": "type"}


class _AzureHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        return None

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        server: AzurePriceServer = self.server.owner  # type: ignore[attr-defined]
        if server.count():
            self._send(429, {"Error": "Too many requests"}, {"Retry-After": "1"})
            return
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path != "/api/retail/prices":
            self._send(404, {"Error": "not found"})
            return
        text = query.get("$filter", "")
        server.filters.append(text)
        terms = []
        for part in re.split(r"\s+and\s+", text) if text else []:
            match = _TERM.match(part)
            if not match:
                self._send(400, {"Error": f"Invalid OData parameters supplied: {part}"})
                return
            terms.append(
                (_FIELDS.get(match.group(1), match.group(1)), match.group(2).replace("''", "'"))
            )
        found = [i for i in server.items if all(str(i.get(f)) == v for f, v in terms)]
        skip = int(query.get("$skip", "0"))
        page = found[skip : skip + server.page_size]
        following = None
        if skip + server.page_size < len(found):
            rest = {k: v for k, v in query.items() if k != "$skip"}
            following = f"{server.url}/api/retail/prices?{urlencode({**rest, '$skip': skip + server.page_size})}"
        self._send(
            200,
            {
                "BillingCurrency": "USD",
                "CustomerEntityId": "Default",
                "CustomerEntityType": "Retail",
                "Items": page,
                "NextPageLink": following,
                "Count": len(page),
            },
        )


@dataclass
class GcpCatalogServer(_Server):
    """The Cloud Billing Catalog's ``services.skus.list`` over REST, paged by ``pageToken``.

    :meth:`sku` adds a copy of a recorded SKU (tests/fixtures/prices/skus.json)
    with the description, regions and price a test sets.
    """

    skus: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 5000
    paths: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(_GcpHandler)

    def sku(
        self,
        description: str,
        regions: list[str],
        tiers: list[tuple[int, int, int]],
        *,
        group: str = "CPU",
        usage_unit: str = "h",
        usage_type: str = "OnDemand",
    ) -> None:
        """Add a SKU; ``tiers`` are (startUsageAmount, units, nanos)."""
        document = json.loads((FIXTURES / "skus.json").read_text(encoding="utf-8"))
        sku = copy.deepcopy(document["skus"][0])
        number = len(self.skus) + 1
        sku["skuId"] = f"TEST-{number:04d}-0000"
        sku["name"] = f"services/6F81-5844-456A/skus/{sku['skuId']}"
        sku["description"] = description
        sku["serviceRegions"] = regions
        sku["category"].update(resourceGroup=group, usageType=usage_type)
        expression = sku["pricingInfo"][0]["pricingExpression"]
        expression["usageUnit"] = usage_unit
        expression["tieredRates"] = [
            {
                "startUsageAmount": start,
                "unitPrice": {"currencyCode": "USD", "units": str(units), "nanos": nanos},
            }
            for start, units, nanos in tiers
        ]
        self.skus.append(sku)


class _GcpHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        return None

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        server: GcpCatalogServer = self.server.owner  # type: ignore[attr-defined]
        if server.count():
            error = {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}
            self._send(429, {"error": error})
            return
        url = urlparse(self.path)
        server.paths.append(self.path)
        if not re.fullmatch(r"/v1/services/[A-Z0-9-]+/skus", url.path):
            self._send(404, {"error": {"code": 404, "message": url.path, "status": "NOT_FOUND"}})
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        start = int(query.get("pageToken") or 0)
        size = min(int(query.get("pageSize") or 5000), server.page_size)
        page: dict[str, Any] = {"skus": server.skus[start : start + size]}
        if start + size < len(server.skus):
            page["nextPageToken"] = str(start + size)
        self._send(200, page)
