"""A local Athena that speaks the protocol of the pinned botocore (rest-json) and runs the SQL.

Why a fake of our own: botocore 1.44 talks ``rest-json`` to Athena
(``POST /query-executions``, ``GET /query-executions/{id}`` and
``GET /query-executions/{id}/results``) while moto 5.2.6 serves only Athena's
older JSON 1.1 protocol and answers 404 (#12). Real AWS speaks what botocore
speaks, so the tests follow botocore.

What it does, as Athena does:
- ``StartQueryExecution`` substitutes ``ExecutionParameters`` for the ``?``
  placeholders in order (they arrive as SQL literals, e.g. ``'2025-09-01'``),
  transpiles the Trino SQL to DuckDB with sqlglot and runs it over the tables
  loaded into :attr:`AthenaServer.warehouse` (the SQL CloudSpy sends is executed,
  not compared as text). A test may instead queue a ready result with
  :meth:`AthenaServer.queue_result`, which the next query returns.
- ``GetQueryExecution`` reports ``RUNNING`` for the first poll, then
  ``SUCCEEDED`` (or ``FAILED`` with the engine's error), with
  ``Statistics.DataScannedInBytes``: the rows the query read from partitions
  (see :meth:`scanned_rows`) × :attr:`bytes_per_row`.
- ``GetQueryResults`` pages with ``NextToken``; the first row of the first page
  repeats the column names, and every cell is ``VarCharValue`` text.
- Faults: :meth:`fail_next` makes the next requests answer with an HTTP status
  and an AWS error type (throttling, 5xx), or drop the connection.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import duckdb
import sqlglot


@dataclass
class Execution:
    """One query as the fake Athena keeps it."""

    id: str
    query: str
    database: str | None
    work_group: str | None
    parameters: list[str]
    columns: list[str] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    error: str | None = None
    scanned_bytes: int = 0
    polls: int = 0


@dataclass
class Fault:
    """What the next request gets instead of an answer."""

    status: int
    error_type: str | None = None
    message: str = "injected by the test"
    drop: bool = False


class AthenaServer:
    """Athena's rest-json API on 127.0.0.1, backed by DuckDB."""

    def __init__(self, *, page_size: int = 1000, bytes_per_row: int = 1000) -> None:
        self.warehouse = duckdb.connect()
        self.page_size = page_size
        self.bytes_per_row = bytes_per_row
        self.executions: dict[str, Execution] = {}
        self.requests: list[tuple[str, str]] = []
        self._queued: list[tuple[list[str], list[list[str | None]]]] = []
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The endpoint to give botocore (``AWS_ENDPOINT_URL_ATHENA``)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> AthenaServer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the warehouse."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self.warehouse.close()

    def reset(self) -> None:
        """Forget queries, queued results, faults and the warehouse's tables."""
        with self._lock:
            self.executions.clear()
            self.requests.clear()
            self._queued.clear()
            self._faults.clear()
        for schema, name in self.warehouse.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal"
        ).fetchall():
            self.warehouse.execute(f'DROP TABLE "{schema}"."{name}"')

    def queue_result(self, columns: list[str], rows: list[list[str | None]]) -> None:
        """The next query returns these text cells instead of running its SQL."""
        self._queued.append((columns, rows))

    def fail_next(self, *faults: Fault) -> None:
        """The next ``len(faults)`` requests get these faults, in order."""
        self._faults.extend(faults)

    def scanned_rows(self, sql: str) -> int:
        """Rows the query reads: all rows of each table, unless a partition key narrows it.

        Athena bills what it reads from S3; a table partitioned by ``billing_period``
        is read only in the partitions that the WHERE clause names. The fake counts
        the rows of the ``billing_period`` values named in an ``IN (...)`` or ``=``
        predicate, or the whole table when there is none.
        """
        total = 0
        for schema, table in re.findall(r'"(\w+)"\."([\w-]+)"', sql):
            try:
                columns = {
                    c[0]
                    for c in self.warehouse.execute(f'DESCRIBE "{schema}"."{table}"').fetchall()
                }
            except duckdb.Error:
                continue
            periods = _named_partitions(sql) if "billing_period" in columns else None
            if periods is None:
                query, params = f'SELECT count(*) FROM "{schema}"."{table}"', []
            else:
                marks = ", ".join("?" for _ in periods) or "NULL"
                query = (
                    f'SELECT count(*) FROM "{schema}"."{table}" WHERE billing_period IN ({marks})'
                )
                params = list(periods)
            total += self.warehouse.execute(query, params).fetchone()[0]
        return total

    # -- the protocol -------------------------------------------------------------------

    def _start(self, body: dict[str, Any]) -> dict[str, Any]:
        query_id = f"q-{next(self._ids):04d}"
        execution = Execution(
            id=query_id,
            query=body["QueryString"],
            database=(body.get("QueryExecutionContext") or {}).get("Database"),
            work_group=body.get("WorkGroup"),
            parameters=list(body.get("ExecutionParameters") or []),
        )
        if self._queued:
            execution.columns, execution.rows = self._queued.pop(0)
        else:
            self._run(execution)
        self.executions[query_id] = execution
        return {"QueryExecutionId": query_id}

    def _run(self, execution: Execution) -> None:
        sql = _bind(execution.query, execution.parameters)
        try:
            duck = sqlglot.transpile(sql, read="trino", write="duckdb")[0]
            cursor = self.warehouse.cursor()
            result = cursor.execute(duck)
            execution.columns = [d[0] for d in result.description]
            execution.rows = [[_text(v) for v in row] for row in result.fetchall()]
            execution.scanned_bytes = self.scanned_rows(sql) * self.bytes_per_row
        except (duckdb.Error, sqlglot.errors.SqlglotError) as exc:
            execution.error = f"SYNTAX_ERROR: {exc}".splitlines()[0]

    def _execution(self, query_id: str) -> dict[str, Any]:
        execution = self.executions[query_id]
        execution.polls += 1
        done = "FAILED" if execution.error else "SUCCEEDED"
        state = "RUNNING" if execution.polls == 1 else done
        status: dict[str, Any] = {"State": state}
        if state == "FAILED":
            status["StateChangeReason"] = execution.error
        return {
            "QueryExecution": {
                "QueryExecutionId": query_id,
                "Query": execution.query,
                "StatementType": "DML",
                "QueryExecutionContext": {"Database": execution.database},
                "WorkGroup": execution.work_group,
                "ExecutionParameters": execution.parameters,
                "Status": status,
                "Statistics": {"DataScannedInBytes": execution.scanned_bytes},
            }
        }

    def _results(self, query_id: str, query: dict[str, list[str]]) -> dict[str, Any]:
        execution = self.executions[query_id]
        size = min(int((query.get("MaxResults") or [self.page_size])[0]), self.page_size)
        offset = int((query.get("NextToken") or ["0"])[0])
        everything = [list(execution.columns), *execution.rows]  # the header row comes first
        cells = everything[offset : offset + size]
        nxt = offset + size if offset + size < len(everything) else None
        page: dict[str, Any] = {
            "UpdateCount": 0,
            "ResultSet": {
                "Rows": [
                    {"Data": [{} if v is None else {"VarCharValue": v} for v in row]}
                    for row in cells
                ],
                "ResultSetMetadata": {
                    "ColumnInfo": [
                        {"Name": c, "Label": c, "Type": "varchar", "Nullable": "UNKNOWN"}
                        for c in execution.columns
                    ]
                },
            },
        }
        if nxt is not None:
            page["NextToken"] = str(nxt)
        return page

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest's output clean
                return

            def _reply(self, status: int, body: dict[str, Any], error: str | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                if error:
                    self.send_header("x-amzn-ErrorType", error)
                self.end_headers()
                self.wfile.write(data)

            def _dispatch(self, method: str) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                server.requests.append((method, url.path))
                with server._lock:
                    fault = server._faults.pop(0) if server._faults else None
                if fault is not None:
                    if fault.drop:
                        self.close_connection = True
                        self.connection.close()
                        return
                    self._reply(
                        fault.status,
                        {
                            "__type": fault.error_type or "InternalServerException",
                            "message": fault.message,
                        },
                        fault.error_type or "InternalServerException",
                    )
                    return
                parts = [p for p in url.path.split("/") if p]
                try:
                    if method == "POST" and parts == ["query-executions"]:
                        body = server._start(json.loads(raw or b"{}"))
                    elif method == "GET" and parts == ["query-executions"]:
                        body = {"QueryExecutionIds": sorted(server.executions, reverse=True)}
                    elif method == "GET" and len(parts) == 2 and parts[0] == "query-executions":
                        body = server._execution(parts[1])
                    elif (
                        method == "GET"
                        and len(parts) == 3
                        and parts[0] == "query-executions"
                        and parts[2] == "results"
                    ):
                        body = server._results(parts[1], parse_qs(url.query))
                    else:
                        self._reply(
                            404,
                            {"__type": "UnknownOperationException"},
                            "UnknownOperationException",
                        )
                        return
                except KeyError as exc:
                    self._reply(
                        400,
                        {
                            "__type": "InvalidRequestException",
                            "Message": f"unknown {exc}",
                            "AthenaErrorCode": "INVALID_INPUT",
                        },
                        "InvalidRequestException",
                    )
                    return
                self._reply(200, body)

            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

        return Handler


def _bind(sql: str, parameters: list[str]) -> str:
    """Athena's positional parameters: each ``?`` outside quotes becomes the next literal."""
    values = iter(parameters)
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append(next(values))
            continue
        out.append(char)
    return "".join(out)


def _named_partitions(sql: str) -> list[str] | None:
    """The ``billing_period`` values a WHERE clause names, or None when it names none."""
    match = re.search(r"billing_period\s+IN\s*\(([^)]*)\)", sql, re.IGNORECASE)
    if match:
        return re.findall(r"'([^']*)'", match.group(1))
    match = re.search(r"billing_period\s*=\s*'([^']*)'", sql, re.IGNORECASE)
    return [match.group(1)] if match else None


def _text(value: Any) -> str | None:
    """A cell as Athena's VarCharValue: text, with exact decimals and ISO dates."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)
