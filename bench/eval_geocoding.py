"""Geocoding accuracy of the place gazetteer on ACLED's hand-geocoded Syrian control changes.

Each ACLED row names a `location` with its `admin1` and `country`; the
gazetteer resolves the name with that context, as an article would give it, and
the result is compared with ACLED's coordinates. Rules were tuned on the 2017
rows only; rows from 2018 on are reported separately as held out. The script
also checks the places of the seed articles' gold events.

    python -m bench.eval_geocoding
"""

from __future__ import annotations

import csv
import json
import math
import sys
import time
import tracemalloc
from collections import Counter

from bench.shared_data import ACLED_CSV, EVAL, require
from transforms.gazetteer import Gazetteer, Place

SEEDS_GOLD = EVAL / "seeds_gold.jsonl"
DISTANCES_KM = (10, 25)
EARTH_RADIUS_KM = 6371.0
FAILURES_SHOWN = 15


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def load_gazetteer() -> tuple[Gazetteer, float, int]:
    """The gazetteer with its load time (s) and the memory allocated while loading (bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    gazetteer = Gazetteer.load()
    seconds = time.perf_counter() - started
    allocated, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return gazetteer, seconds, allocated


def geocode_rows(gazetteer: Gazetteer, rows: list[dict]) -> list[tuple[dict, Place | None, float | None]]:
    results = []
    for row in rows:
        hints = gazetteer.countries_in([row["country"]])
        place = gazetteer.resolve(row["location"], hints, admin1_hints=[row["admin1"]])
        distance = None if place is None else distance_km(
            place.lat, place.lon, float(row["latitude"]), float(row["longitude"]))
        results.append((row, place, distance))
    return results


def report_split(label: str, results: list[tuple[dict, Place | None, float | None]]) -> None:
    distances = [distance for _, place, distance in results if place is not None]
    print(f"\n{label}: {len(results)} rows, resolved {len(distances)} "
          f"({len(distances) / len(results):.1%})")
    for limit in DISTANCES_KM:
        within = sum(distance <= limit for distance in distances)
        print(f"  within {limit:>2} km: {within} = {within / max(len(distances), 1):.1%} of resolved, "
              f"{within / len(results):.1%} of all rows")
    unresolved = Counter(row["location"] for row, place, _ in results if place is None)
    print(f"  commonest unresolved ({len(unresolved)} distinct names):")
    print("    " + "; ".join(f"{name} x{count}" for name, count in unresolved.most_common(FAILURES_SHOWN)))
    far = Counter((row["location"], place.name, place.country, round(distance))
                  for row, place, distance in results if place is not None and distance > DISTANCES_KM[-1])
    print(f"  commonest resolved beyond {DISTANCES_KM[-1]} km ({sum(far.values())} rows):")
    for (location, name, country, distance), count in far.most_common(FAILURES_SHOWN):
        print(f"    {location!r} -> {name} ({country}) {distance} km x{count}")


def report_seed_places(gazetteer: Gazetteer) -> None:
    """Each gold place of the seed articles, resolved with its country as the hint."""
    print("\nseed gold places:")
    seen = set()
    with open(SEEDS_GOLD, encoding="utf-8") as lines:
        for line in lines:
            for event in json.loads(line)["events"]:
                key = (event["place"], event.get("place_country"))
                if key in seen:
                    continue
                seen.add(key)
                hints = [key[1]] if key[1] else []
                place = gazetteer.resolve(key[0], hints)
                if place is None:
                    print(f"  {key[0]:<10} UNRESOLVED")
                    continue
                flag = "" if not hints or place.country in hints else "  WRONG COUNTRY"
                print(f"  {key[0]:<10} -> {place.name} ({place.country}/{place.admin1}, {place.feature}) "
                      f"{place.lat:.4f}, {place.lon:.4f}  {place.canonical_id}{flag}")


def main() -> int:
    require(ACLED_CSV, SEEDS_GOLD)
    Gazetteer.load()  # compile the cache first, so the timing below is a worker's load
    gazetteer, seconds, allocated = load_gazetteer()
    print(f"load {seconds:.2f} s; index arrays {gazetteer.nbytes / 1e6:.1f} MB; "
          f"allocated while loading {allocated / 1e6:.1f} MB")
    with open(ACLED_CSV, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    started = time.perf_counter()
    results = geocode_rows(gazetteer, rows)
    print(f"geocoded {len(rows)} rows in {time.perf_counter() - started:.1f} s")
    report_split("dev (2017, tuned on)", [r for r in results if r[0]["event_date"][:4] == "2017"])
    report_split("held out (2018 on)", [r for r in results if r[0]["event_date"][:4] >= "2018"])
    report_seed_places(gazetteer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
