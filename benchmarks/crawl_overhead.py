"""End-to-end overhead of ``seology crawl``: the whole command against the crawler's own clock.

Generates the documentation-style static sites of ``crawl_vs_scrapy.py`` (10 and 500 pages by
default), serves each on 127.0.0.1 from a separate process, and runs the real ``seology crawl``
command in a child process on a fresh data folder (SQLite app database, embedded Dagster instance,
no API key, so the offline analyst), with the product's crawl defaults (``auto`` rendering,
network guard on, 127.0.0.1 allow-listed). A first crawl of a throw-away site warms the data
folder (schema, Dagster instance) and the disk cache, so the measured crawls are second crawls.

Prints, per site: the command's wall-clock and CPU seconds (its whole process tree), the
crawler's own clock (``duration_s`` of the crawl), the difference (the overhead: start-up, Dagster,
audit, writes, analysis), and the Dagster step durations of the site's run (crawl, audit and
analysis in one). Also prints how long Python takes to import the ``crawl`` command's module, in
its own process, and the floor measured beside each crawl: ``dagster_floor.py``, a bare Dagster
job of the same shape on a copy of the same embedded instance (Dagster, pandas and SQLAlchemy
imported, the instance opened, the run's events written, no work), so that the overhead splits
into what any such run pays and the project's own share.

Usage: ``python benchmarks/crawl_overhead.py [--pages 10,500] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import dagster as dg
import psutil
import yaml
from crawl_vs_scrapy import generate_site, served
from sqlalchemy import create_engine, text

SEOLOGY = str(Path(sys.executable).parent / "seology")
FLOOR = str(Path(__file__).with_name("dagster_floor.py"))


def environment(data_dir: Path) -> dict[str, str]:
    """A private data folder, no outside database, deployment or API key; loopback allowed."""
    env = {
        **os.environ,
        "SEOLOGY_DATA_DIR": str(data_dir),
        "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST": "127.0.0.1",
    }
    for name in ("SEOLOGY_DATABASE_URL", "DAGSTER_HOME", "SEOLOGY_DAGSTER_URL"):
        env.pop(name, None)
    env.pop("ANTHROPIC_API_KEY", None)
    return env


def seology(env: dict[str, str], *args: str) -> None:
    subprocess.run([SEOLOGY, *args], env=env, check=True, capture_output=True, text=True)


def timed(env: dict[str, str], *args: str) -> tuple[float, float]:
    """Run ``seology ARGS``; its wall-clock seconds and the CPU seconds of its process tree."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [SEOLOGY, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    proc = psutil.Process(child.pid)
    cpu: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):
                for p in [proc, *proc.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        times = p.cpu_times()
                        cpu[p.pid] = times.user + times.system
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"seology {' '.join(args)} failed (exit {child.returncode}): {out}")
    return wall, sum(cpu.values())


def crawler_clock(data_dir: Path, site_id: str) -> tuple[float, int]:
    """The crawler's own duration and page count of the site's newest crawl."""
    engine = create_engine(f"sqlite:///{data_dir / 'seology.db'}")
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT json_extract(site_facts, '$.duration_s'), pages_crawled FROM crawls "
                "WHERE site_id = :site ORDER BY id DESC LIMIT 1"
            ),
            {"site": site_id},
        ).one()
    engine.dispose()
    return float(row[0]), int(row[1])


def step_seconds(data_dir: Path, site_id: str) -> dict[str, float]:
    """Duration of each step of the site's Dagster runs, by step key."""
    steps: dict[str, float] = {}
    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        by_site = dg.RunsFilter(tags={"dagster/partition": site_id})
        for record in instance.get_run_records(by_site):
            for stat in instance.get_run_step_stats(record.dagster_run.run_id):
                if stat.end_time and stat.start_time:
                    steps[stat.step_key] = stat.end_time - stat.start_time
    return steps


def import_seconds() -> float:
    """Wall-clock seconds to import the ``crawl`` command's module in a fresh interpreter."""
    code = (
        "import time; t = time.perf_counter(); import seology_pipeline.cli.run_cmds; "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout)


def floor_home(data_dir: Path) -> Path:
    """A Dagster home beside the product's, configured like it, with storage of its own."""
    config = yaml.safe_load((data_dir / "dagster_home" / "dagster.yaml").read_text())
    home = data_dir / "floor_home"
    config["storage"] = {"sqlite": {"base_dir": str(home / "storage")}}
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    return home


def floor_seconds(home: Path) -> float:
    """Wall-clock seconds of ``dagster_floor.py`` on ``home``, in a fresh interpreter."""
    started = time.perf_counter()
    subprocess.run([sys.executable, FLOOR, str(home)], check=True, capture_output=True)
    return time.perf_counter() - started


def measure(folder: Path, pages: int, repeat: int) -> list[dict[str, float]]:
    """``repeat`` crawls of a served ``pages``-page site, each on a fresh data folder."""
    results = []
    with served(folder, False) as root:
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                data_dir = Path(tmp)
                env = environment(data_dir)
                seology(env, "db", "upgrade")
                seology(env, "users", "add", "ann", "--plan", "agency")
                seology(env, "sites", "add", root, "--user", "ann", "--id", "warm")
                seology(env, "sites", "add", root, "--user", "ann", "--id", "docs")
                seology(env, "crawl", "warm", "--max-pages", "2")
                home = floor_home(data_dir)
                floor_seconds(home)  # a first run creates its storage, as the warm crawl did
                wall, cpu = timed(env, "crawl", "docs", "--max-pages", str(pages))
                floor = floor_seconds(home)
                clock, crawled = crawler_clock(data_dir, "docs")
                results.append(
                    {"wall": wall, "cpu": cpu, "clock": clock, "beyond": wall - clock}
                    | {"floor": floor, "own": wall - clock - floor, "pages": crawled}
                    | step_seconds(data_dir, "docs")
                )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="10,500")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(n) for n in args.pages.split(",")]
    imports = [import_seconds() for _ in range(args.repeat)]
    load = os.getloadavg()[0]
    print(f"import of the crawl command: median {statistics.median(imports):.2f} s wall")
    with tempfile.TemporaryDirectory() as tmp:
        for pages in sizes:
            folder = Path(tmp, f"site{pages}")
            generate_site(folder, pages)
            results = measure(folder, pages, args.repeat)
            med = {key: statistics.median(r[key] for r in results) for key in results[0]}
            steps = ", ".join(
                f"{key} {value:.2f} s"
                for key, value in med.items()
                if key not in {"wall", "cpu", "clock", "beyond", "floor", "own", "pages"}
            )
            print(
                f"{pages:4d}-page site ({med['pages']:.0f} crawled), median of {len(results)}: "
                f"seology crawl {med['wall']:.2f} s wall, {med['cpu']:.2f} s CPU; crawler clock "
                f"{med['clock']:.2f} s; beyond the crawler {med['beyond']:.2f} s "
                f"(steps: {steps}); a bare Dagster run of that shape {med['floor']:.2f} s, "
                f"so the project's own share {med['own']:.2f} s"
            )
    print(f"load average at start: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
