"""Benchmark of the nearest-class search: ours on SQLite and PostgreSQL, PostGIS KNN beside it.

    .venv/bin/python bench/search.py [--classes N] [--queries 1000] [--seed 1]

It never touches the developer's databases. It makes a scratch SQLite file
and a scratch database `bench_search` on a private PostgreSQL server
(`scripts/postgres start` on its own port and directory, see BENCH_PG_PORT /
BENCH_PG_DIR), migrates both and loads national-scale data into each
(`manage.py demo --scale national --seed N` when the classes demo exists,
else this file's own loader, `bench_seed`). Then, one subprocess per backend
so that Django's settings load with that backend's DATABASE_URL, it calls the
project's own search function in-process for random learner locations (real
행정동 points, jittered by up to ~300 m, seeded) with typical filters, and
times it. In the PostgreSQL run, on the same rows, the peer is PostGIS:
a side table (class id, geography point) with a GiST index, queried with
`ORDER BY point <-> learner, id LIMIT 20` (geography `<->`: true distance on
the sphere, index-assisted KNN) and the same filters. It prints p50/p95 of
both, their ratio, and the number of queries whose result order differs; it
exits 1 if any differs.

bench/README.md says what is measured and gives the figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_PORT = os.environ.get("BENCH_PG_PORT", "55491")
PG_DIR = Path(os.environ.get("BENCH_PG_DIR", "/tmp/baeumteo-bench-postgres"))  # noqa: S108
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/baeumteo-bench"))  # noqa: S108
DB_NAME = "bench_search"
PAGE = 20
WARMUP = 30
# The radius PostGIS uses for geography on the sphere (WGS84 mean radius, (2a + b) / 3).
# Only the comparison key uses it; the order on a sphere does not depend on the radius.
EARTH_RADIUS_M = 6371008.7714
FILTER_KINDS = ["none", "topic", "has_seats", "weekday_afternoon"]


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def die(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


# --- Orchestration ---------------------------------------------------------------------


def run(cmd: list[str], *, env: dict[str, str] | None = None, log: Path | None = None) -> str:
    """Runs cmd in the project root; returns stdout, or dies with the log's tail."""
    out = subprocess.run(  # noqa: S603
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if log:
        log.write_text(out.stdout + out.stderr)
    if out.returncode != 0:
        tail = "\n".join((out.stdout + out.stderr).splitlines()[-30:])
        die(f"{' '.join(cmd)} failed ({out.returncode}):\n{tail}")
    return out.stdout


def pg_env() -> dict[str, str]:
    return {**os.environ, "BAEUMTEO_PG_PORT": PG_PORT, "BAEUMTEO_PG_DIR": str(PG_DIR)}


def ensure_postgis() -> None:
    """Debian's postgresql-<major>-postgis-3 for the installed server, installed as root."""
    bindir = run(["scripts/postgres", "bindir"], env=pg_env()).strip()
    major = Path(bindir).parent.name
    package = f"postgresql-{major}-postgis-3"
    status = subprocess.run(  # noqa: S603
        ["dpkg-query", "-W", "-f=${Status}", package],  # noqa: S607
        capture_output=True, text=True, check=False,
    ).stdout
    if "install ok installed" in status:
        return
    if os.geteuid() != 0:
        die(f"PostGIS is missing: run `sudo apt-get install -y {package}` and try again")
    say(f"apt-get install {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    installed = subprocess.run(  # noqa: S603
        ["apt-get", "install", "-y", "-q", package], env=env, check=False,  # noqa: S607
        capture_output=True, text=True,
    )
    if installed.returncode != 0:
        run(["apt-get", "update", "-q"], env=env)
        run(["apt-get", "install", "-y", "-q", package], env=env)


def scratch_postgres() -> str:
    """Starts the private server and (re)creates the scratch database with PostGIS in it."""
    import psycopg

    url = run(["scripts/postgres", "start"], env=pg_env()).strip().splitlines()[-1]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    # CREATE EXTENSION postgis needs a superuser: the cluster's own, over its private socket.
    with psycopg.connect(
        host=str(PG_DIR / "socket"), port=PG_PORT, user="postgres", dbname=DB_NAME,
        autocommit=True,
    ) as conn:
        conn.execute("CREATE EXTENSION postgis")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def backend_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TEST_DATABASE_URL"}}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="baeumteo.settings", LOG_LEVEL="WARNING")
    return env


def demo_has_classes() -> bool:
    return (ROOT / "classes" / "demo.py").exists()


def load_commands(args: argparse.Namespace) -> list[list[str]]:
    cmds = [[PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"]]
    if args.data == "demo":
        cmds.append([PYTHON, "manage.py", "demo", "--scale", "national", "--seed", str(args.seed)])
    else:
        cmds.append([
            PYTHON, __file__, "--worker", "load", "--classes", str(args.classes),
            "--seed", str(args.seed),
        ])
    return cmds


def load_both(args: argparse.Namespace, urls: dict[str, str]) -> None:
    """Migrates and loads both backends side by side (two cores), each in its own process."""
    script = " && ".join(" ".join(f"'{part}'" for part in cmd) for cmd in load_commands(args))
    started = time.perf_counter()
    procs = {}
    for backend, url in urls.items():
        log = (WORK / f"load-{backend}.log").open("w")
        procs[backend] = subprocess.Popen(  # noqa: S603
            ["bash", "-c", f"set -e; {script}"], cwd=ROOT, env=backend_env(url),  # noqa: S607
            stdout=log, stderr=subprocess.STDOUT,
        )
    for backend, proc in procs.items():
        if proc.wait() != 0:
            tail = "\n".join((WORK / f"load-{backend}.log").read_text().splitlines()[-30:])
            die(f"loading {backend} failed:\n{tail}")
    say(f"loaded both in {time.perf_counter() - started:.0f} s ({args.data} data)")


def measure(args: argparse.Namespace, backend: str, url: str) -> dict[str, Any]:
    out = WORK / f"result-{backend}.json"
    run(
        [
            PYTHON, __file__, "--worker", "measure", "--backend", backend,
            "--queries", str(args.queries), "--seed", str(args.seed), "--out", str(out),
        ],
        env=backend_env(url), log=WORK / f"measure-{backend}.log",
    )
    return json.loads(out.read_text())


def percentiles(values: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], max(values)


def order_key(result: list[list[Any]]) -> list[tuple[int, int]]:
    """(distance rounded to 1 m, id) per row, in the order returned."""
    return [(round(distance_m), class_id) for class_id, distance_m in result]


def same_order(ours: list[list[Any]], peer: list[list[Any]]) -> bool:
    """Equal up to the order within rows whose distances round to the same metre.

    Each side must be non-decreasing in rounded distance as returned, and the
    sorted (rounded distance, id) lists must be equal: so rows at one venue (equal
    distance) must be cut at the page end by id on both sides, while two venues
    less than 1 m apart may come in either order (float noise between haversine
    in SQL and PostGIS's sphere distance).
    """
    a, b = order_key(ours), order_key(peer)
    ordered = all(x[0] <= y[0] for x, y in itertools.pairwise(a))
    return ordered and sorted(a) == sorted(b)


def report(args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> int:
    pg, lite = results["postgres"], results["sqlite"]
    kinds = pg["kinds"]
    rows: list[tuple[str, list[float]]] = [
        ("ours · SQLite", lite["ours_ms"]),
        ("ours · PostgreSQL", pg["ours_ms"]),
        ("PostGIS KNN (geography <->)", pg["peer_ms"]),
    ]
    print()
    print(
        f"Nearest-class search, first page of {PAGE}, {len(kinds)} learner locations, "
        f"seed {args.seed}, {args.data} data"
    )
    for name, result in (("PostgreSQL", pg), ("SQLite", lite)):
        print(
            f"  {name}: {result['classes']:,} classes ({result['upcoming']:,} upcoming) "
            f"at {result['sites']:,} sites"
        )
    header = f"{'':<30}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    print("\n'ours' is the first page: nearest-first ids, then the 20 classes with course,")
    print("centre, region and sessions; 'count' is the paginator's count, run after it.")
    print()
    print(header)
    for name, values in rows:
        p50, p95, top = percentiles(values)
        print(f"{name:<30}{p50:>9.1f}{p95:>9.1f}{top:>9.1f}")
    for name, result in (("count · SQLite", lite), ("count · PostgreSQL", pg)):
        p50, p95, top = percentiles(result["count_ms"])
        print(f"{name:<30}{p50:>9.1f}{p95:>9.1f}{top:>9.1f}")
    ours50, ours95, _ = percentiles(pg["ours_ms"])
    peer50, peer95, _ = percentiles(pg["peer_ms"])
    print(f"{'ratio ours/PostGIS (PG)':<30}{ours50 / peer50:>8.2f}×{ours95 / peer95:>8.2f}×")
    print()
    print(f"p95 in ms by filter{'':<11}{'SQLite':>9}{'PG':>9}{'PostGIS':>9}{'n':>6}")
    for kind in FILTER_KINDS:
        idx = [i for i, k in enumerate(kinds) if k == kind]
        if len(idx) < 2:
            continue
        cells = [
            percentiles([series[i] for i in idx])[1]
            for series in (lite["ours_ms"], pg["ours_ms"], pg["peer_ms"])
        ]
        print(f"  {kind:<28}" + "".join(f"{c:>9.1f}" for c in cells) + f"{len(idx):>6}")

    mismatches = [i for i in range(len(kinds)) if not same_order(pg["ours"][i], pg["peer"][i])]
    print()
    print(f"order mismatches, ours on PostgreSQL vs PostGIS: {len(mismatches)} / {len(kinds)}")
    failed = bool(mismatches)
    for i in mismatches[:3]:
        print(f"  query {i} ({kinds[i]}, {pg['points'][i]}, {pg['filters'][i]}):")
        print(f"    ours    {order_key(pg['ours'][i])}")
        print(f"    PostGIS {order_key(pg['peer'][i])}")
    if lite["fingerprint"] == pg["fingerprint"]:
        lite_mismatches = [
            i for i in range(len(kinds)) if not same_order(lite["ours"][i], pg["peer"][i])
        ]
        print(
            f"order mismatches, ours on SQLite vs PostGIS (same rows): "
            f"{len(lite_mismatches)} / {len(kinds)}"
        )
        failed = failed or bool(lite_mismatches)
    else:
        print("SQLite rows differ from PostgreSQL rows: SQLite order not compared with PostGIS")
    print(
        f"largest distance difference ours vs PostGIS on the same row: "
        f"{pg['max_distance_diff_m']:.2f} m"
    )
    print()
    ok95 = ours95 <= 50 and percentiles(lite["ours_ms"])[1] <= 50
    ok2x = ours95 <= 2 * peer95
    print(f"goal p95 ≤ 50 ms (both backends): {'met' if ok95 else 'MISSED'}")
    print(f"goal within 2× of PostGIS (p95):  {'met' if ok2x else 'MISSED'}")
    print(f"goal identical order:             {'met' if not failed else 'MISSED'}")
    return 1 if failed else 0


def orchestrate(args: argparse.Namespace) -> int:
    if args.data == "auto":
        args.data = "demo" if demo_has_classes() else "bench"
    WORK.mkdir(parents=True, exist_ok=True)
    sqlite_path = WORK / "bench.sqlite3"
    urls = {"sqlite": f"sqlite:///{sqlite_path}"}
    if args.reuse and (WORK / "loaded").exists():
        urls["postgres"] = (WORK / "loaded").read_text().strip()
        run(["scripts/postgres", "start"], env=pg_env())
        say("reusing the scratch databases of the last --keep run")
    else:
        ensure_postgis()
        say(f"scratch PostgreSQL on 127.0.0.1:{PG_PORT} ({PG_DIR}), SQLite at {sqlite_path}")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        (WORK / "loaded").unlink(missing_ok=True)
        urls["postgres"] = scratch_postgres()
        say("migrating and loading national-scale data into both (a few minutes)")
        load_both(args, urls)
        (WORK / "loaded").write_text(urls["postgres"])
    if args.explain:
        for backend in ("sqlite", "postgres"):
            print(run(
                [PYTHON, __file__, "--worker", "explain", "--queries", str(args.queries),
                 "--seed", str(args.seed)],
                env=backend_env(urls[backend]),
            ))
        return 0
    results = {}
    for backend in ("sqlite", "postgres"):
        say(f"measuring on {backend}")
        results[backend] = measure(args, backend, urls[backend])
    code = report(args, results)
    if not args.keep:
        run(["scripts/postgres", "stop"], env=pg_env())
        shutil.rmtree(WORK, ignore_errors=True)
    return code


# --- Workers (run with DATABASE_URL set, one backend per process) ------------------------


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baeumteo.settings")
    import django

    django.setup()


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def sample_queries(seed: int, count: int) -> list[tuple[str, float, float, dict[str, Any]]]:
    """Learner locations at real 행정동 points (jittered ≤ ~300 m) with typical filters."""
    from courses.models import Topic
    from regions.models import Region

    rng = random.Random(seed)  # noqa: S311  (reproducible samples, not secrets)
    dongs = list(
        Region.objects.eupmyeondongs().active().order_by("code").values_list("lat", "lon"),
    )
    topics = [t for t in Topic.values if t != Topic.OTHER]
    queries = []
    for i in range(count):
        lat, lon = rng.choice(dongs)
        lat += rng.uniform(-0.0027, 0.0027)
        lon += rng.uniform(-0.0027, 0.0027) / math.cos(math.radians(lat))
        kind = FILTER_KINDS[i % len(FILTER_KINDS)]
        filters: dict[str, Any] = {}
        if kind == "topic":
            filters["topic"] = rng.choice(topics)
        elif kind == "has_seats":
            filters["has_seats"] = True
        elif kind == "weekday_afternoon":
            filters["weekdays"] = [rng.randrange(5)]
            filters["time_of_day"] = "afternoon"
        queries.append((kind, round(lat, 6), round(lon, 6), filters))
    return queries


def ours(lat: float, lon: float, filters: dict[str, Any]) -> tuple[list[int], float, float]:
    """The project's search as the learner page and the API call it: a page, then the count.

    Returns the ids of the first page, the ms for the page (the nearest-first
    search and loading its 20 classes with course, centre and sessions) and the
    ms for the count the paginators show.
    """
    from classes.search import ClassQuery, class_search

    query = ClassQuery(
        lat=lat, lon=lon, topic=filters.get("topic", ""), has_seats=filters.get("has_seats", False),
        weekdays=tuple(filters.get("weekdays", ())), time_of_day=filters.get("time_of_day"),
    )
    started = time.perf_counter()
    search = class_search(query)
    hits = search[0:PAGE]
    paged = time.perf_counter()
    search.count()
    counted = time.perf_counter()
    return (
        [hit.course_class.pk for hit in hits],
        (paged - started) * 1000,
        (counted - paged) * 1000,
    )


def worker_measure(args: argparse.Namespace) -> None:
    django_setup()
    from django.db import connection

    from classes.models import CourseClass

    queries = sample_queries(args.seed, args.queries)
    for _kind, lat, lon, filters in queries[:WARMUP]:
        ours(lat, lon, filters)
    ours_ms, count_ms, ours_ids = [], [], []
    for _kind, lat, lon, filters in queries:
        ids, page_ms, counted_ms = ours(lat, lon, filters)
        ours_ms.append(page_ms)
        count_ms.append(counted_ms)
        ours_ids.append(ids)

    points = dict(CourseClass.objects.values_list("id", "lat").order_by())
    lons = dict(CourseClass.objects.values_list("id", "lon").order_by())

    def with_distance(ids: list[int], lat: float, lon: float) -> list[list[Any]]:
        return [[i, haversine_m(lat, lon, points[i], lons[i])] for i in ids]

    result: dict[str, Any] = {
        "backend": args.backend,
        "kinds": [q[0] for q in queries],
        "points": [[q[1], q[2]] for q in queries],
        "filters": [q[3] for q in queries],
        "ours_ms": ours_ms,
        "count_ms": count_ms,
        "ours": [with_distance(ids, q[1], q[2]) for ids, q in zip(ours_ids, queries, strict=True)],
        "classes": len(points),
        "upcoming": upcoming_count(),
        "sites": site_count(),
        "fingerprint": [len(points), round(sum(points.values()), 3), sum(points)],
    }
    if connection.vendor == "postgresql":
        from bench.postgis import postgis_prepare, postgis_search

        postgis_prepare()
        for _kind, lat, lon, filters in queries[:WARMUP]:
            postgis_search(lat, lon, filters, PAGE)
        peer_ms, peer, diff = [], [], 0.0
        for _kind, lat, lon, filters in queries:
            started = time.perf_counter()
            rows = postgis_search(lat, lon, filters, PAGE)
            peer_ms.append((time.perf_counter() - started) * 1000)
            peer.append(with_distance([r[0] for r in rows], lat, lon))
            for class_id, distance_m in rows:
                diff = max(diff, abs(distance_m - haversine_m(lat, lon, points[class_id],
                                                              lons[class_id])))
        result.update(peer_ms=peer_ms, peer=peer, max_distance_diff_m=diff)
    Path(args.out).write_text(json.dumps(result))


def worker_explain(args: argparse.Namespace) -> None:
    """Where the time goes: the plans of the box query, queries per page, and a profile."""
    import cProfile
    import pstats

    django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from classes.search import ClassQuery, class_filter
    from lib.geo import bounding_box

    queries = sample_queries(args.seed, args.queries)
    print(f"--- {connection.vendor}: plans of the 5 km box query (first radius) ---")
    for kind, lat, lon, filters in queries[: len(FILTER_KINDS)]:
        query = ClassQuery(
            lat=lat, lon=lon, topic=filters.get("topic", ""),
            has_seats=filters.get("has_seats", False),
            weekdays=tuple(filters.get("weekdays", ())), time_of_day=filters.get("time_of_day"),
        )
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, 5.0)
        rows = class_filter(query).filter(
            lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon,
        ).values_list("pk", "lat", "lon")
        if connection.vendor == "postgresql":
            plan = rows.explain(analyze=True, buffers=True)
        else:
            plan = rows.explain()
        print(f"[{kind}] {filters}\n{plan}\n")
    if connection.vendor == "postgresql":
        from bench.postgis import postgis_explain, postgis_prepare

        postgis_prepare()
        kind, lat, lon, filters = queries[1]
        print(f"--- PostGIS plan [{kind}] ---\n{postgis_explain(lat, lon, filters, PAGE)}\n")
    per_page: list[int] = []
    for _kind, lat, lon, filters in queries[:200]:
        with CaptureQueriesContext(connection) as captured:
            ours(lat, lon, filters)
        per_page.append(len(captured.captured_queries))
    print(f"SQL queries per page + count: mean {statistics.mean(per_page):.2f}, "
          f"max {max(per_page)} (4 = one box, the page's 2, the count)")
    profile = cProfile.Profile()
    profile.enable()
    for _kind, lat, lon, filters in queries[:300]:
        ours(lat, lon, filters)
    profile.disable()
    print(f"--- {connection.vendor}: cProfile of 300 pages, by cumulative time ---")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


def upcoming_count() -> int:
    from classes.search import upcoming_classes

    return upcoming_classes().count()


def site_count() -> int:
    from centers.models import BusVisit, Center, OutreachSite

    return Center.objects.count() + OutreachSite.objects.count() + BusVisit.objects.count()


def worker_load(args: argparse.Namespace) -> None:
    django_setup()
    bench_seed(classes=args.classes, seed=args.seed)


def bench_seed(*, classes: int, seed: int) -> None:
    """The bench's own national-scale loader, used until `demo --scale national` seeds classes.

    One centre in every active 행정동 (3,5xx sites, jittered ≤ 1 km from its
    point), a catalogue of courses over every topic and level, and `classes`
    classes over a year (half before today, half after) with weekly sessions.
    Bulk inserts; reproducible with the seed.
    """
    from django.db import transaction

    from centers.models import Center, CenterKind
    from classes.models import ClassSession, ClassStatus, CourseClass
    from courses.models import Course, Level, Topic
    from regions.models import Region

    rng = random.Random(seed)  # noqa: S311  (reproducible data, not secrets)
    today = date.today()
    with transaction.atomic():
        courses = list(Course.objects.order_by("id"))
        if not courses:
            Course.objects.bulk_create(
                Course(
                    title=f"벤치 {topic.label} {level.label}", level=level, topic=topic,
                    target_groups=["seniors"], summary="벤치마크용 과정", goals="벤치마크",
                    session_count=rng.choice([4, 6, 8]),
                )
                for topic in Topic for level in (Level.BASIC, Level.EVERYDAY, Level.ADVANCED)
            )
            courses = list(Course.objects.order_by("id"))
        if Center.objects.count() < 3500:
            dongs = list(Region.objects.eupmyeondongs().active().order_by("code"))
            kinds = [k for k in CenterKind if k != CenterKind.HUB]
            Center.objects.bulk_create(
                Center(
                    name=f"{dong.name} 벤치 배움터", kind=rng.choice(kinds), region=dong,
                    lat=dong.lat + rng.uniform(-0.009, 0.009),
                    lon=dong.lon + rng.uniform(-0.009, 0.009),
                    accessibility=rng.choice([[], ["elevator"], ["elevator", "wheelchair"]]),
                )
                for dong in dongs
            )
        centres = list(Center.objects.order_by("id").values_list("id", "region_id", "lat", "lon"))
        batch: list[CourseClass] = []
        plans: list[tuple[CourseClass, int]] = []
        for n in range(classes):
            centre_id, region_id, lat, lon = rng.choice(centres)
            course = rng.choice(courses)
            first = today + timedelta(days=rng.randint(-183, 182))
            weekdays = sorted(rng.sample(range(5), rng.choice([1, 2])))
            while first.weekday() not in weekdays:
                first += timedelta(days=1)
            hour = rng.choice([10, 10, 14, 14, 15, 19])
            weeks = math.ceil(course.session_count / len(weekdays))
            status = (
                ClassStatus.FINISHED if first + timedelta(weeks=weeks) < today
                else ClassStatus.RUNNING if first <= today
                else ClassStatus.RECRUITING if first <= today + timedelta(days=60)
                else ClassStatus.PLANNED
            )
            if rng.random() < 0.03:
                status = ClassStatus.CANCELLED
            cls = CourseClass(
                course_id=course.id, center_id=centre_id, region_id=region_id,
                lat=lat if lat is not None else 37.5, lon=lon if lon is not None else 127.0,
                capacity=rng.choice([10, 12, 15, 20]),
                registration_opens=first - timedelta(days=30),
                registration_closes=first - timedelta(days=1),
                weekdays=weekdays, starts_at=dtime(hour), ends_at=dtime(hour + 2),
                first_date=first, last_date=first + timedelta(weeks=weeks), status=status,
            )
            batch.append(cls)
            plans.append((cls, course.session_count))
            if len(batch) == 5000 or n == classes - 1:
                CourseClass.objects.bulk_create(batch)
                sessions = []
                for made, count in plans:
                    day, number = made.first_date, 0
                    while number < count:
                        if day.weekday() in made.weekdays:
                            number += 1
                            sessions.append(ClassSession(
                                course_class=made, number=number, date=day,
                                starts_at=made.starts_at, ends_at=made.ends_at,
                            ))
                        day += timedelta(days=1)
                ClassSession.objects.bulk_create(sessions, batch_size=5000)
                batch, plans = [], []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", type=int, default=100_000,
                        help="classes the bench loader makes (with --data bench)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", choices=["auto", "demo", "bench"], default="auto",
                        help="demo: manage.py demo --scale national; bench: this file's loader; "
                             "auto: demo once it seeds classes")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch server and databases for a later --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on the databases a --keep run left")
    parser.add_argument("--explain", action="store_true",
                        help="with --reuse: print query plans, queries per page and a profile")
    parser.add_argument("--worker", choices=["load", "measure", "explain"], help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "load":
        worker_load(args)
        return 0
    if args.worker == "measure":
        worker_measure(args)
        return 0
    if args.worker == "explain":
        worker_explain(args)
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
