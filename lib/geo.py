"""Distances on the Earth, as the nearest-class search and the centres need them.

The sphere has the IUGG mean radius, as PostGIS's geography type uses for
`<->`, so that the order of bench/search.py's peer query is the same.
"""

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that holds the circle of radius_km.

    Exact for a sphere: the circle's longitude half-width is asin(sin r / cos φ)
    (r the angular radius); when the circle reaches a pole or the
    antimeridian the box spans every longitude. A hair of slack keeps points on
    the circle inside despite rounding.
    """
    slack = 1e-7
    r = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(r) + slack
    min_lat, max_lat = lat - dlat, lat + dlat
    every_lon = (-180.0, 180.0)
    if max_lat >= 90.0 or min_lat <= -90.0:
        return min_lat, max_lat, *every_lon
    ratio = math.sin(r) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return min_lat, max_lat, *every_lon
    dlon = math.degrees(math.asin(ratio)) + slack
    if lon - dlon < -180.0 or lon + dlon > 180.0:
        return min_lat, max_lat, *every_lon
    return min_lat, max_lat, lon - dlon, lon + dlon
