"""Renderers of resources and waste: CSV cells neutralized, money as decimal strings."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.models import resource as m
from cloudspy.models.resource import Collected, Resource
from cloudspy.pricing.table import apply_estimates
from cloudspy.render.inventory_render import resources_csv, resources_json
from cloudspy.render.waste_render import waste_csv, waste_json
from cloudspy.store.connection import connect
from cloudspy.store.inventory_writes import replace_scope

NOW = datetime(2026, 11, 25, 12)


def _store_hostile(db):
    disk = Resource(
        "aws",
        "1",
        "us-east-1",
        "vol-1",
        m.DISK,
        name='=HYPERLINK("x")',
        type="gp2",
        size_gb=3,
        attached=False,
        tags={"owner": "@evil"},
    )
    apply_estimates([disk])
    with connect(db, read_only=False) as conn:
        replace_scope(
            conn,
            scope="s",
            provider="aws",
            account="1",
            collected=[Collected("us-east-1", [disk])],
            denied={},
            snapshot_at=NOW,
            run_id="r",
        )


def test_csv_cells_that_spreadsheets_would_evaluate_are_neutralized(db):
    _store_hostile(db)
    listing = api.resources(db=db, settings=Settings(), now=NOW)
    row = next(csv.DictReader(io.StringIO(resources_csv(listing))))
    assert row["name"] == '\'=HYPERLINK("x")'
    assert row["monthly_cost"] == "0.3"
    report = api.waste(db=db, settings=Settings(), now=NOW)
    finding = next(csv.DictReader(io.StringIO(waste_csv(report))))
    assert finding["name"].startswith("'=") and finding["monthly_savings"] == "0.3"


def test_json_money_is_a_decimal_string_beside_its_currency(db):
    _store_hostile(db)
    listing = json.loads(resources_json(api.resources(db=db, settings=Settings(), now=NOW)))
    assert listing["resources"][0]["monthly_cost"] == "0.3"
    assert listing["resources"][0]["currency"] == "USD"
    assert listing["snapshot"]["age_hours"] == 0.0
    doc = json.loads(waste_json(api.waste(db=db, settings=Settings(), now=NOW)))
    assert doc["totals"] == [
        {"currency": "USD", "monthly_savings": "0.3", "count": 1, "upper_bound": False}
    ]
    assert doc["findings"][0]["evidence"] == {"state": None, "size_gb": 3.0, "type": "gp2"}


def test_a_snapshot_priced_by_its_volumes_size_is_marked_at_most_in_resources(db):
    """``cloudspy resources``: a snapshot's list price of its volume's size is at most
    what it bills: ``upper_bound`` in JSON and CSV, ``≤`` in the table; a disk's is
    not (#14)."""
    from rich.console import Console

    from cloudspy.render.inventory_render import resources_table
    from tests.waste_rules.estate import store_collected

    snap = Resource("aws", "1", "us-east-1", "snap-1", m.SNAPSHOT, size_gb=100,
                    raw={"VolumeSize": 100})  # fmt: skip
    disk = Resource("aws", "1", "us-east-1", "vol-1", m.DISK, type="gp3", size_gb=100)
    store_collected(db, [Collected("us-east-1", [snap, disk])], at=NOW)
    listing = api.resources(db=db, settings=Settings(), now=NOW)
    shown = {r["resource_id"]: r for r in json.loads(resources_json(listing))["resources"]}
    assert (shown["snap-1"]["upper_bound"], shown["vol-1"]["upper_bound"]) == (True, False)
    rows = {r["resource_id"]: r for r in csv.DictReader(io.StringIO(resources_csv(listing)))}
    assert (rows["snap-1"]["upper_bound"], rows["vol-1"]["upper_bound"]) == ("true", "false")
    console = Console(width=80, record=True, color_system=None)
    console.print(resources_table(listing, width=80))
    table = console.export_text()
    assert "≤ $5.00" in table and "≤ $8.00" not in table and "$8.00" in table
    assert "≤: at most this amount" in table
