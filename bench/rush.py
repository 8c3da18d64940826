"""The opening-day rush: thousands of applications at once, behind gunicorn on PostgreSQL.

    .venv/bin/python bench/rush.py [--quick] [--kill-worker] [--keep]

See bench/README.md. In short: a private PostgreSQL server (scripts/postgres on
its own port and directory) with a fresh database `baeumteo_bench`; 1,000
recruiting classes with Zipf-like demand (the most wanted ones by ~20× their
seats); gunicorn serving the real project; ≥ 200 concurrent client
connections (asyncio + aiohttp) posting one application per applicant to
`POST /api/v1/classes/{id}/applications` as a national admin (Bearer token)
with an Idempotency-Key each. The same requests go first to a minimal
baseline view (bench/rush_baseline.py: one conditional UPDATE, one INSERT) in
the same run. Prints throughput, p50/p95/p99 and errors for both, the ratio,
then checks every class and every applicant in the database.

`--kill-worker` SIGKILLs gunicorn workers in the middle of the rush; clients
retry with the same Idempotency-Key on connection errors and 5xx, and every
applicant must still end with exactly one application.

Exit status: 0 when the invariants hold (and, without --kill-worker, the goals
are met), 1 when an invariant fails, 3 when only a performance goal is missed,
2 on a setup error.
"""

import argparse
import asyncio
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_PORT = os.environ.get("BENCH_PG_PORT", "55492")
PG_DIR = Path(os.environ.get("BENCH_PG_DIR", "/tmp/baeumteo-bench-rush-postgres"))  # noqa: S108
WORK = Path(os.environ.get("BENCH_DIR", "/tmp/baeumteo-bench-rush"))  # noqa: S108
DB_NAME = "baeumteo_bench"
API_PATH = "/api/v1/classes/{}/applications"
BASELINE_PATH = "/bench/baseline/classes/{}/applications"
ZIPF_S = 0.9  # with 1,000 classes the most wanted one gets ~9 % of all applicants
DUPLICATE_SHARE = 0.02  # applicants who send their application twice (a new key): 409
GOAL_RATIO = 0.40
GOAL_P99_MS = 300.0


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def die(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


# --- Orchestration ---------------------------------------------------------------------


def run(cmd: list[str], *, env: dict[str, str] | None = None) -> str:
    """Runs cmd in the project root; returns stdout, or dies with the output's tail."""
    out = subprocess.run(  # noqa: S603
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        tail = "\n".join((out.stdout + out.stderr).splitlines()[-30:])
        die(f"{' '.join(cmd)} failed ({out.returncode}):\n{tail}")
    return out.stdout


def pg_env() -> dict[str, str]:
    return {**os.environ, "BAEUMTEO_PG_PORT": PG_PORT, "BAEUMTEO_PG_DIR": str(PG_DIR)}


def scratch_database() -> str:
    """Starts the private server and (re)creates the bench database in it."""
    import psycopg

    url = run(["scripts/postgres", "start"], env=pg_env()).strip().splitlines()[-1]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    return urlunsplit(urlsplit(url)._replace(path=f"/{DB_NAME}"))


def django_env(url: str, settings: str = "baeumteo.settings") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TEST_DATABASE_URL"}}
    env.update(
        DATABASE_URL=url, DJANGO_SETTINGS_MODULE=settings, HTTPS="false", LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str

    def workers(self) -> list[int]:
        """The pids of the gunicorn master's children (its workers)."""
        out = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(self.process.pid)],  # noqa: S607
            capture_output=True, text=True, check=False,
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def gunicorn_start(args: argparse.Namespace, url: str) -> Server:
    port = free_port()
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "baeumteo.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--worker-class", "gthread", "--threads", str(args.threads),
        "--backlog", "2048", "--timeout", "60", "--graceful-timeout", "5",
        "--keep-alive", "30", "--log-level", "warning",
    ]
    log = (WORK / "gunicorn.log").open("ab")  # Django logs every 409 as a warning
    process = subprocess.Popen(  # noqa: S603
        cmd, cwd=ROOT, env=django_env(url, "bench.rush_settings"), stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            die(f"gunicorn exited ({process.returncode}): see {WORK / 'gunicorn.log'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return Server(process, base)
        except OSError:
            time.sleep(0.2)
    process.kill()
    die("gunicorn did not start within 60 s")
    raise AssertionError  # unreachable


# --- The plan: who applies where -------------------------------------------------------

FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = "영순자숙희철수민호정미경옥명광성동춘복말금"


def applicant_name(index: int) -> str:
    rng = random.Random(index)  # noqa: S311 (test data)
    return FAMILY[rng.randrange(len(FAMILY))] + "".join(rng.sample(GIVEN, 2))


def make_plan(args: argparse.Namespace, classes: list[list[int]]) -> list[dict[str, Any]]:
    """One application per applicant, classes drawn Zipf-like; some send theirs twice."""
    rng = random.Random(args.seed)  # noqa: S311 (test data)
    order = list(range(len(classes)))
    rng.shuffle(order)  # the most wanted classes are anywhere in the list
    weights = [0.0] * len(classes)
    for rank, index in enumerate(order):
        weights[index] = 1 / (rank + 1) ** ZIPF_S
    picks = rng.choices(range(len(classes)), weights=weights, k=args.applicants)
    plan = []
    for number, index in enumerate(picks):
        plan.append({
            "n": number, "class_id": classes[index][0], "key": str(uuid.uuid4()),
            "body": {
                "name": applicant_name(number), "phone": f"010{20000000 + number:08d}",
                "birth_year": 1940 + number % 40, "sex": ("female", "male")[number % 2],
                "target_groups": ["seniors"], "consent_personal_info": True,
                "channel": "phone",
            },
        })
    twice = rng.sample(plan, int(len(plan) * DUPLICATE_SHARE))
    resent = [{**job, "key": str(uuid.uuid4()), "again": True} for job in twice]
    jobs = plan + resent
    rng.shuffle(jobs)
    return jobs


# --- The client ------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, every HTTP answer
    statuses: Counter[int] = field(default_factory=Counter)
    connection_errors: int = 0
    replayed: int = 0  # answers given again for a retried Idempotency-Key
    answered: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → final answer
    seconds: float = 0.0
    kills: list[int] = field(default_factory=list)

    def throughput(self) -> float:
        return len(self.answered) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: float) -> float:
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def rush(
    phase: Phase, base: str, path: str, jobs: list[dict[str, Any]], *, connections: int,
    token: str, server: Server | None = None, kills: int = 0,
) -> None:
    """`connections` clients work through the jobs; each job ends with one final answer.

    503 (busy): wait Retry-After and resend with the same key. Connection errors
    and other 5xx (a killed worker): resend with the same key.
    """
    import aiohttp

    pending = iter(jobs)
    kill_at = sorted({int(len(jobs) * (i + 1) / (kills + 1)) for i in range(kills)})
    done = 0
    connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
    timeout = aiohttp.ClientTimeout(total=120)
    headers = {"Authorization": f"Bearer {token}"}

    def maybe_kill() -> None:
        if server is None or not kill_at or done < kill_at[0]:
            return
        kill_at.pop(0)
        workers = server.workers()
        if workers:
            victim = random.choice(workers)  # noqa: S311
            os.kill(victim, signal.SIGKILL)
            phase.kills.append(victim)

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal done
        for job in pending:
            url = base + path.format(job["class_id"])
            for _attempt in range(100):
                started = time.perf_counter()
                try:
                    async with session.post(
                        url, json=job["body"], headers={"Idempotency-Key": job["key"]},
                    ) as response:
                        body = await response.read()
                        status = response.status
                        retry_after = float(response.headers.get("Retry-After", "1"))
                        phase.replayed += response.headers.get("Idempotent-Replayed") == "true"
                except (TimeoutError, aiohttp.ClientError):
                    phase.connection_errors += 1
                    await asyncio.sleep(0.2)
                    continue
                phase.latencies.append(time.perf_counter() - started)
                phase.statuses[status] += 1
                if status == 503:
                    await asyncio.sleep(retry_after * random.uniform(0.5, 1.0))  # noqa: S311
                    continue
                if status >= 500:
                    await asyncio.sleep(0.2)
                    continue
                try:
                    answer = json.loads(body)
                except ValueError:
                    answer = {"raw": body[:200].decode("utf-8", "replace")}
                phase.answered[job["key"]] = {**answer, "http": status}
                break
            done += 1
            maybe_kill()

    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, headers=headers,
    ) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(connections)))
        phase.seconds = time.perf_counter() - started


def report(phase: Phase) -> None:
    others = {s: n for s, n in sorted(phase.statuses.items()) if s not in (201, 409)}
    print(
        f"  {phase.name:<9} {len(phase.answered):>6} applications in {phase.seconds:6.1f} s"
        f" = {phase.throughput():7.1f} req/s · latency p50 {phase.percentile_ms(0.50):6.1f}"
        f" p95 {phase.percentile_ms(0.95):6.1f} p99 {phase.percentile_ms(0.99):6.1f} ms"
        f" · 201: {phase.statuses[201]}, 409: {phase.statuses[409]},"
        f" other: {others or 0}, connection errors: {phase.connection_errors},"
        f" replayed answers: {phase.replayed}",
        flush=True,
    )


# --- Main ------------------------------------------------------------------------------


def orchestrate(args: argparse.Namespace) -> int:
    for module in ("gunicorn", "aiohttp"):
        try:
            __import__(module)
        except ImportError:
            die(f"{module} is missing: .venv/bin/pip install -e '.[dev]'")
    WORK.mkdir(parents=True, exist_ok=True)
    say(f"scratch PostgreSQL on 127.0.0.1:{PG_PORT} ({PG_DIR}), database {DB_NAME}")
    url = scratch_database()
    started = time.monotonic()
    run([PYTHON, "manage.py", "migrate", "--noinput"], env=django_env(url))
    say(f"migrated in {time.monotonic() - started:.0f} s; seeding {args.classes} classes")
    seed_file = WORK / "seed.json"
    run([PYTHON, __file__, "--worker", "seed", "--classes", str(args.classes),
         "--seed", str(args.seed), "--out", str(seed_file)], env=django_env(url))
    seed = json.loads(seed_file.read_text())
    jobs = make_plan(args, seed["classes"])
    demand = Counter(job["class_id"] for job in jobs if not job.get("again"))
    capacity = dict(map(tuple, seed["classes"]))
    hottest = max(demand, key=lambda pk: demand[pk] / capacity[pk])
    full = sum(demand[pk] > capacity[pk] for pk in capacity)
    say(
        f"{args.applicants} applicants (+{len(jobs) - args.applicants} sent twice) over"
        f" {len(capacity)} classes ({sum(capacity.values())} seats); {full} classes"
        f" oversubscribed, the most wanted by {demand[hottest] / capacity[hottest]:.0f}×"
        f" its {capacity[hottest]} seats",
    )
    server = gunicorn_start(args, url)
    say(f"gunicorn at {server.base}: {args.workers} gthread workers × {args.threads} threads;"
        f" {args.connections} client connections")
    phases: dict[str, Phase] = {}
    try:
        warm = make_plan(
            argparse.Namespace(seed=args.seed + 1, applicants=args.workers * args.threads * 4),
            [[seed["warmup_class"], 1]],
        )
        for job in warm:
            job["body"]["phone"] = "0103" + job["body"]["phone"][4:]
        asyncio.run(rush(Phase("warm-up"), server.base, API_PATH, warm,
                         connections=args.workers * args.threads, token=seed["token"]))
        asyncio.run(rush(Phase("warm-up"), server.base, BASELINE_PATH, warm,
                         connections=args.workers * args.threads, token=seed["token"]))
        if not args.kill_worker:
            say("baseline: one conditional UPDATE and one INSERT per request")
            phases["baseline"] = Phase("baseline")
            asyncio.run(rush(phases["baseline"], server.base, BASELINE_PATH, jobs,
                             connections=args.connections, token=seed["token"]))
            baseline_reset(url)
        say("the real endpoint: POST " + API_PATH.format("{id}")
            + (f", killing {args.kills} workers on the way" if args.kill_worker else ""))
        phases["ours"] = Phase("ours")
        asyncio.run(rush(phases["ours"], server.base, API_PATH, jobs,
                         connections=args.connections, token=seed["token"],
                         server=server if args.kill_worker else None,
                         kills=args.kills if args.kill_worker else 0))
    finally:
        server.stop()

    print()
    for phase in phases.values():
        report(phase)
    if phases["ours"].kills:
        print(f"  killed workers (SIGKILL): {phases['ours'].kills}")
    results_file = WORK / "results.json"
    results_file.write_text(json.dumps({
        "jobs": jobs, "warm": warm, "answers": phases["ours"].answered,
        "warmup_class": seed["warmup_class"],
    }))
    say("verifying every class and every applicant")
    verified = subprocess.run(  # noqa: S603
        [PYTHON, __file__, "--worker", "verify", "--out", str(results_file)],
        cwd=ROOT, env=django_env(url), check=False,
    )
    code = 0 if verified.returncode == 0 else 1
    if not args.kill_worker and code == 0:
        ours, base = phases["ours"], phases["baseline"]
        ratio = ours.throughput() / base.throughput()
        p99 = ours.percentile_ms(0.99)
        print(f"  ratio ours/baseline: {ratio:.0%} (goal ≥ {GOAL_RATIO:.0%});"
              f" p99 {p99:.0f} ms (goal ≤ {GOAL_P99_MS:.0f} ms)")
        if ratio < GOAL_RATIO or p99 > GOAL_P99_MS:
            code = 3
    if not args.keep:
        run(["scripts/postgres", "stop"], env=pg_env())
    return code


def baseline_reset(url: str) -> None:
    """Undo the baseline's writes, so that the real rush starts from empty classes."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "UPDATE classes_courseclass c SET seats_taken = (SELECT count(*)"
            " FROM enrollment_application a WHERE a.course_class_id = c.id"
            " AND a.status IN ('confirmed', 'offered'))",
        )
        conn.execute("DELETE FROM enrollment_idempotencyrecord WHERE owner = 'baseline'")


# --- Workers (run with DATABASE_URL set to the bench database) ---------------------------


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baeumteo.settings")
    import django

    django.setup()


def worker_seed(args: argparse.Namespace) -> None:
    """A national admin with an API token, and the recruiting classes (copies of one)."""
    django_setup()
    from accounts.services import api_token_create
    from accounts.testing import make_people
    from classes.models import CourseClass
    from enrollment.testing import recruiting_class

    people = make_people()
    _token, raw = api_token_create(user=people.national)
    template = recruiting_class(people, capacity=20)
    rng = random.Random(args.seed)  # noqa: S311 (test data)
    fields = [f.attname for f in CourseClass._meta.concrete_fields if not f.primary_key]
    copies = []
    for _ in range(args.classes):
        copy = CourseClass(**{name: getattr(template, name) for name in fields})
        copy.capacity = rng.choice([10, 12, 15, 15, 20, 20, 20, 25, 30])
        copies.append(copy)
    created = CourseClass.objects.bulk_create(copies, batch_size=500)
    Path(args.out).write_text(json.dumps({
        "token": raw, "warmup_class": template.pk,
        "classes": [[c.pk, c.capacity] for c in created],
    }))


def worker_verify(args: argparse.Namespace) -> int:
    """Every class: seats_taken = confirmed + offered ≤ capacity, the queue first come
    first served; every applicant: exactly one learner and one application, the one
    their answer named."""
    django_setup()
    from django.db.models import Count, Q

    from classes.models import CourseClass
    from enrollment.models import Application, ApplicationStatus
    from learners.models import Learner
    from learners.services import phone_index_of

    data = json.loads(Path(args.out).read_text())
    problems: list[str] = []
    seats = Q(applications__status__in=[ApplicationStatus.CONFIRMED, ApplicationStatus.OFFERED])
    classes = CourseClass.objects.annotate(
        holding=Count("applications", filter=seats),
        active=Count("applications", filter=~Q(applications__status="cancelled")),
    )
    checked = 0
    for course_class in classes:
        checked += 1
        if not course_class.seats_taken == course_class.holding <= course_class.capacity:
            problems.append(
                f"class {course_class.pk}: seats_taken {course_class.seats_taken},"
                f" holding {course_class.holding}, capacity {course_class.capacity}",
            )
        if course_class.holding != min(course_class.capacity, course_class.active):
            problems.append(f"class {course_class.pk}: a free seat while people wait")
    queues = Application.objects.filter(status=ApplicationStatus.WAITLISTED).order_by(
        "course_class", "-priority", "id",
    ).values_list("course_class", "created_at")
    last: dict[int, Any] = {}
    for class_pk, created in queues:
        if class_pk in last and created < last[class_pk]:
            problems.append(f"class {class_pk}: the waiting list is out of order")
        last[class_pk] = created

    applicants = {job["body"]["phone"]: job for job in data["jobs"] if not job.get("again")}
    applicants.update({job["body"]["phone"]: job for job in data["warm"]})
    learners = dict(Learner.objects.values_list("phone_index", "id"))
    per_learner = Counter(Application.objects.values_list("learner_id", flat=True))
    by_learner = dict(Application.objects.values_list("learner_id", "id"))
    class_of = dict(Application.objects.values_list("id", "course_class_id"))
    answers = data["answers"]
    for phone, job in applicants.items():
        learner = learners.get(phone_index_of(phone))
        if learner is None:
            problems.append(f"applicant {phone}: no learner")
            continue
        if per_learner[learner] != 1:
            problems.append(f"applicant {phone}: {per_learner[learner]} applications")
            continue
        application = by_learner[learner]
        if class_of[application] != job["class_id"]:
            problems.append(f"applicant {phone}: applied to the wrong class")
        answer = answers.get(job["key"])
        if answer is not None and answer.get("id") != application:
            problems.append(f"applicant {phone}: was answered {answer}, has #{application}")
    # An applicant who sent theirs twice (two keys): one 201 and one 409, in either order.
    sent: dict[str, list[int]] = {}
    for job in data["jobs"]:
        sent.setdefault(job["body"]["phone"], []).append(answers.get(job["key"], {}).get("http"))
    for phone, statuses in sent.items():
        if sorted(statuses, key=str) != [201, 409][:len(statuses)]:
            problems.append(f"applicant {phone}: answered {statuses}")
    if Learner.objects.count() != len(applicants):
        problems.append(f"{Learner.objects.count()} learners for {len(applicants)} applicants")
    if Application.objects.count() != len(applicants):
        problems.append(
            f"{Application.objects.count()} applications for {len(applicants)} applicants",
        )
    status = Counter(Application.objects.values_list("status", flat=True))
    print(f"  checked {checked} classes and {len(applicants)} applicants:"
          f" {dict(status)}; {len(problems)} problems", flush=True)
    for problem in problems[:20]:
        print(f"  PROBLEM {problem}", flush=True)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 50 classes, 500 applicants, 50 connections")
    parser.add_argument("--kill-worker", action="store_true",
                        help="SIGKILL gunicorn workers mid-rush; no baseline")
    parser.add_argument("--kills", type=int, default=3, help="workers killed with --kill-worker")
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--applicants", type=int, default=6000)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true",
                        help="leave the scratch PostgreSQL server running")
    parser.add_argument("--worker", choices=["seed", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "seed":
        worker_seed(args)
        return 0
    if args.worker == "verify":
        return worker_verify(args)
    if args.quick:
        args.classes, args.applicants, args.connections = 50, 500, 50
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
