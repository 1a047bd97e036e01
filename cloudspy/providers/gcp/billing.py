"""Cloud Billing API discovery: billing accounts and the projects linked to them.

The Cloud Billing API has no spend (that lives only in the BigQuery export);
CloudSpy uses it to show which accounts and projects the credentials can see,
and so which export tables to configure.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from cloudspy.providers.gcp.session import call_gcp


class GcpLinkedProject(BaseModel):
    """A project whose charges go to a billing account."""

    project_id: str
    billing_enabled: bool


class GcpBillingAccount(BaseModel):
    """A Cloud Billing account and its linked projects."""

    id: str
    display_name: str | None = None
    open: bool
    master_billing_account: str | None = None
    projects: list[GcpLinkedProject] = Field(default_factory=list)


def _account_id(name: str) -> str:
    return name.removeprefix("billingAccounts/")


def discover_billing(client: Any, *, sleep: Any = None) -> list[GcpBillingAccount]:
    """Every billing account the credentials see (all pages), with its projects."""
    accounts = call_gcp(
        lambda: list(client.list_billing_accounts(retry=None)),
        what="list Cloud Billing accounts",
        sleep=sleep,
    )
    out: list[GcpBillingAccount] = []
    for account in accounts:
        infos = call_gcp(
            lambda name=account.name: list(client.list_project_billing_info(name=name, retry=None)),
            what=f"list the projects of {account.name}",
            sleep=sleep,
        )
        out.append(
            GcpBillingAccount(
                id=_account_id(account.name),
                display_name=account.display_name or None,
                open=bool(account.open_),
                master_billing_account=_account_id(account.master_billing_account) or None,
                projects=[
                    GcpLinkedProject(project_id=i.project_id, billing_enabled=i.billing_enabled)
                    for i in sorted(infos, key=lambda i: i.project_id)
                ],
            )
        )
    return sorted(out, key=lambda a: a.id)
