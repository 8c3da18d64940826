"""The peer of the benchmark: PostGIS nearest-neighbour search over the same class rows.

`postgis_prepare` copies the class rows into `bench_postgis_class` with a
`geography(Point, 4326)` column and a GiST index on it (as if CourseClass had
a geography field), plus the indexes a PostGIS deployment would have for the
filters. `postgis_search` runs

    ORDER BY point <-> learner LIMIT 20 + margin

with geography `<->`: PostGIS's index-assisted KNN that returns the true
distance on the sphere (WGS84 mean radius), the same great-circle distance the
project's haversine computes, so no re-sort by ST_Distance is needed. Ties
(classes at one venue) are broken by id, as our search does, by re-sorting
the fetched rows by (distance, id); see `postgis_search`. The course's topic
is copied onto the rows too (no join: the planner then keeps the KNN index
scan). The filters are the ones `classes.search.class_filter` applies,
written in SQL and kept in step by hand (`_where`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

TABLE = "bench_postgis_class"
MARGIN = 20


def postgis_prepare() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"""
            CREATE TABLE {TABLE} AS
            SELECT c.*, co.topic AS course_topic,
                   ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography AS point
            FROM classes_courseclass c JOIN courses_course co ON co.id = c.course_id
            """,  # noqa: S608  (a constant table name)
        )
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
        cursor.execute(f"CREATE INDEX {TABLE}_point ON {TABLE} USING gist (point)")
        cursor.execute(f"ANALYZE {TABLE}")


def _where(filters: dict[str, Any], today: date) -> tuple[str, list[Any]]:
    """SQL for class_filter's filters: (conditions, params)."""
    # upcoming_classes: 모집중, applications not closed, last session today or later.
    where = ["c.status = 'recruiting'", "c.registration_closes >= %s", "c.last_date >= %s"]
    params: list[Any] = [today, today]
    if filters.get("topic"):
        where.append("c.course_topic = %s")
        params.append(filters["topic"])
    if filters.get("weekdays"):
        # weekdays__icontains=str(day) on the JSON list, as class_filter does.
        where.append(
            "(" + " OR ".join("c.weekdays::text LIKE %s" for _ in filters["weekdays"]) + ")",
        )
        params += [f"%{day}%" for day in filters["weekdays"]]
    if filters.get("time_of_day") == "afternoon":
        where.append("c.starts_at >= '12:00'")
    elif filters.get("time_of_day") == "morning":
        where.append("c.starts_at < '12:00'")
    if filters.get("has_seats"):
        # with_seats_left
        where.append("c.seats_taken < c.capacity")
    return " AND ".join(where), params


def _knn_sql(filters: dict[str, Any], today: date) -> tuple[str, list[Any]]:
    """The KNN query: `ORDER BY point <-> learner LIMIT %s`, and its parameters but lon, lat, L.

    The ORDER BY is the distance alone: with a second key (id) PostgreSQL no
    longer walks the GiST index in distance order but sorts every filtered row
    (measured: 25 ms instead of 1 ms), so ties are broken by id outside it.
    """
    where, params = _where(filters, today)
    sql = (
        f"SELECT c.id, c.point <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS d "  # noqa: S608
        f"FROM {TABLE} c WHERE {where} ORDER BY d LIMIT %s"
    )
    return sql, params


def postgis_search(
    lat: float, lon: float, filters: dict[str, Any], limit: int, today: date | None = None,
) -> list[tuple[int, float]]:
    """(class id, metres on the sphere) of the `limit` nearest filtered classes, ties by id.

    The KNN fetches `limit + MARGIN` rows, re-sorted by (distance, id). That is
    the exact first page when the last of them is farther than the page's last
    row (the tie group at the page's end is whole); else it fetches again with
    twice the margin. Classes at one venue share its point, so ties are common.
    """
    knn, params = _knn_sql(filters, today or timezone.localdate())
    fetch = limit + MARGIN
    with connection.cursor() as cursor:
        while True:
            cursor.execute(knn, [lon, lat, *params, fetch])
            rows = sorted(cursor.fetchall(), key=lambda row: (row[1], row[0]))
            if len(rows) < fetch or rows[limit - 1][1] < rows[-1][1]:
                return [(row[0], row[1]) for row in rows[:limit]]
            fetch *= 2


def postgis_explain(lat: float, lon: float, filters: dict[str, Any], limit: int) -> str:
    knn, params = _knn_sql(filters, timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {knn}", [lon, lat, *params, limit + MARGIN])
        return "\n".join(row[0] for row in cursor.fetchall())
