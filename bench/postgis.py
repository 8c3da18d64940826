"""The peer of the benchmark: PostGIS nearest-neighbour search over the same class rows.

`postgis_prepare` copies the class rows into `bench_postgis_class` with a
`geography(Point, 4326)` column and a GiST index on it (as if CourseClass had
a geography field), plus the indexes a PostGIS deployment would have for the
filters. `postgis_search` runs

    ORDER BY point <-> learner, id LIMIT 20

with geography `<->`: PostGIS's index-assisted KNN that returns the true
distance on the sphere (WGS84 mean radius), the same great-circle distance the
project's haversine computes, so no re-sort is needed; ties are broken by id
as our search does. The filters are the ones `classes.search.class_filter`
applies, written in SQL (kept in step by hand: see FILTERS below).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

TABLE = "bench_postgis_class"


def postgis_prepare() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"""
            CREATE TABLE {TABLE} AS
            SELECT c.*, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography AS point
            FROM classes_courseclass c
            """,  # noqa: S608  (a constant table name)
        )
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
        cursor.execute(f"CREATE INDEX {TABLE}_point ON {TABLE} USING gist (point)")
        cursor.execute(f"ANALYZE {TABLE}")


def _where(filters: dict[str, Any], today: date) -> tuple[str, list[Any], bool]:
    """SQL for class_filter's filters: (conditions, params, needs the course join)."""
    # upcoming_classes: 모집중 or 모집마감, last session today or later.
    where = ["c.status IN ('recruiting', 'closed')", "c.last_date >= %s"]
    params: list[Any] = [today]
    join_course = False
    if filters.get("topic"):
        where.append("co.topic = %s")
        params.append(filters["topic"])
        join_course = True
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
        # with_seats_left: every seat is free until enrollment exists.
        where.append("c.capacity > 0")
    return " AND ".join(where), params, join_course


def postgis_search(
    lat: float, lon: float, filters: dict[str, Any], limit: int, today: date | None = None,
) -> list[tuple[int, float]]:
    """(class id, metres on the sphere) of the `limit` nearest filtered classes."""
    where, params, join_course = _where(filters, today or timezone.localdate())
    join = "JOIN courses_course co ON co.id = c.course_id" if join_course else ""
    point = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
    sql = (
        f"SELECT c.id, ST_Distance(c.point, {point}, false) FROM {TABLE} c {join} "  # noqa: S608
        f"WHERE {where} ORDER BY c.point <-> {point}, c.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [lon, lat, *params, lon, lat, limit])
        return [(row[0], row[1]) for row in cursor.fetchall()]


def postgis_explain(lat: float, lon: float, filters: dict[str, Any], limit: int) -> str:
    where, params, join_course = _where(filters, timezone.localdate())
    join = "JOIN courses_course co ON co.id = c.course_id" if join_course else ""
    point = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
    sql = (
        f"EXPLAIN (ANALYZE, BUFFERS) SELECT c.id FROM {TABLE} c {join} "  # noqa: S608
        f"WHERE {where} ORDER BY c.point <-> {point}, c.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, lon, lat, limit])
        return "\n".join(row[0] for row in cursor.fetchall())
