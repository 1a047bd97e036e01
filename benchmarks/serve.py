"""`cloudspy serve` speed (#17): the costs API and the overview page on a large store.

1. ``/api/v1/costs?last=30d`` answered by a real uvicorn on loopback: median of
   several requests, timed at the client (so it includes HTTP): under 100 ms.
2. The overview page fully rendered in headless Chromium (Debian's, driven by
   Playwright): navigation start to the load event, median of several loads: under 1 s.

The store is ``--rows`` generated FOCUS rows (10 M for the figure in README.md;
the core benchmark's file is reused when it exists) plus the demo's inventory.
Usage: ``python benchmarks/serve.py [--rows N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
from results import emit  # noqa: E402


def main() -> int:
    """Build the store, serve it, time the API and the page; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    import uvicorn

    from cloudspy.config import Settings
    from cloudspy.web.app import ServeConfig, create_app
    from cloudspy.web.security import Guard

    work = Path(tempfile.mkdtemp(prefix="cloudspy-serve-"))
    store = work / "store.duckdb"
    parquet = DATA / f"focus10_{args.rows}.parquet"
    if not parquet.exists():
        from focus_data import generate

        DATA.mkdir(exist_ok=True)
        generate(parquet, args.rows)
    env = {**os.environ, "CLOUDSPY_CONFIG": str(work / "none.toml")}
    subprocess.run([sys.executable, "-m", "cloudspy", "--db", str(store), "import", str(parquet)],
                   check=True, env=env, stdout=subprocess.DEVNULL)  # fmt: skip
    port = 8790
    from cloudspy import api

    # The routes answer through the api module, as `cloudspy serve` hands it in.
    config = ServeConfig(store, Settings(), Guard("127.0.0.1", port, None), api)
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port,
                                           log_level="warning"))  # fmt: skip
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    failed = False
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/api/v1/costs?last=30d", timeout=60) as response:
            response.read()
        timings.append(time.perf_counter() - started)
    api_time = statistics.median(timings)
    ok = api_time < 0.1
    failed |= not ok
    emit("serve /api/v1/costs?last=30d", api_time, baseline=None, target="< 0.100 s", ok=ok)
    lines = [f"/api/v1/costs?last=30d (median of {args.repeat}): {api_time * 1000:.0f} ms "
             f"{'PASS' if ok else 'FAIL'} (< 100 ms)"]  # fmt: skip
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page()
        loads = []
        for _ in range(max(3, args.repeat // 2)):
            page.goto(f"{base}/", wait_until="load")
            loads.append(page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " return (n.loadEventEnd - n.startTime) / 1000; }"))  # fmt: skip
        browser.close()
    page_time = statistics.median(loads)
    ok = page_time < 1.0
    failed |= not ok
    emit("serve overview rendered in Chromium", page_time, baseline=None, target="< 1 s", ok=ok)
    lines.append(f"overview page, navigation to load event (median): {page_time * 1000:.0f} ms "
                 f"{'PASS' if ok else 'FAIL'} (< 1 s)")  # fmt: skip
    server.should_exit = True
    print("\n".join(lines))
    print(f"machine: {os.cpu_count()} cores, rows={args.rows:,}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
