import datetime as dt
import re

import numpy as np
import pytest
from PIL import Image

from pipeline import main, report
from pipeline.query import EXIT_OK, EXIT_USAGE
from tests.test_control import GOV, IS, PMF, SDF, event
from tests.test_query import write_output
from transforms.control import fold_control

D = dt.date


def located(name, canonical_id, lat, lon, country="IQ"):
    return {"name": name, "canonical_id": canonical_id, "geonames_id": None, "lat": lat, "lon": lon,
            "country": country, "admin1": None, "feature": "city", "resolved": True}


MOSUL = located("Mosul", "geonames:99072", 36.335, 43.119)
HAWIJA = located("Hawija", "geonames:99131", 35.327, 43.759)
DASHISHA = located("Dashisha", "place:SY:dashisha", 36.03, 41.22, "SY")
NOWHERE = {**located("Tal Unknown", None, None, None), "resolved": False}
EVENTS = [
    [event(MOSUL, "CAPTURE", D(2014, 6, 1), IS, GOV, precision="month"),
     event(MOSUL, "OFFENSIVE", D(2017, 5, 27), GOV, IS),
     event(MOSUL, "CAPTURE", D(2017, 6, 1), GOV, IS, precision="month")],
    [event(HAWIJA, "OFFENSIVE", D(2017, 10, 4), GOV, IS), event(HAWIJA, "CAPTURE", D(2017, 10, 5), GOV, IS)],
    [event(DASHISHA, "CAPTURE", D(2018, 6, 17), SDF, IS)],
    [event(NOWHERE, "HOLD", D(2017, 10, 5), PMF)],
]


@pytest.fixture
def output(tmp_path):
    states, changes = [], []
    for place_events in EVENTS:
        place_states, place_changes = fold_control(place_events)
        states += place_states
        changes += place_changes
    return write_output(tmp_path / "out", states, changes)


def run(capsys, *argv):
    code = main.main(["report", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def table_of(page: str) -> str:
    [table] = re.findall(r"<pre>(.*?)</pre>", page, re.S)
    return table


def png_image(path) -> np.ndarray:
    with Image.open(path) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB"))


def test_writes_the_timeline_the_map_and_a_self_contained_page(output, tmp_path, capsys):
    code, out, err = run(capsys, "--output", output, "--to", tmp_path / "charts")
    assert (code, err) == (EXIT_OK, "")
    names = [report.TIMELINE_PNG, report.MAP_PNG, report.PAGE]
    assert out.splitlines() == [f"wrote {tmp_path / 'charts' / name}" for name in names]
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == sorted(names)  # no temporary file left
    timeline, control_map = png_image(tmp_path / "charts" / names[0]), png_image(tmp_path / "charts" / names[1])
    assert timeline.shape[1] > 800 and control_map.shape[0] > 500
    page = (tmp_path / "charts" / report.PAGE).read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2
    assert not re.search(r"https?:|<script|<link|@import|url\(", page, re.I)
    assert "Control report as of 2018-06-17" in page  # the last day the output knows
    rows = table_of(page).splitlines()
    assert rows[0] == "Control as of 2018-06-17: 4 places"
    assert [row.split()[0] for row in rows[2:]] == ["Dashisha", "Hawija", "Mosul", "Tal"]


def test_colours_follow_the_controllers(output, tmp_path, capsys):
    run(capsys, "--output", output, "--to", tmp_path)
    timeline = png_image(tmp_path / report.TIMELINE_PNG)
    control_map = png_image(tmp_path / report.MAP_PNG)
    colours = {name: tuple(int(report.controller_colour(name)[i:i + 2], 16) for i in (1, 3, 5))
               for name in (IS, GOV, SDF, PMF)}
    for name, rgb in colours.items():
        assert (timeline == rgb).all(axis=2).any(), name
    # Mosul's row (the one with the most ISLAMIC_STATE) reads ISLAMIC_STATE, then IRAQI_GOVERNMENT.
    mosul = timeline[np.argmax((timeline == colours[IS]).all(axis=2).sum(axis=1))]
    named = [name for pixel in mosul for name, rgb in colours.items() if tuple(pixel) == rgb]
    assert [name for i, name in enumerate(named) if i == 0 or named[i - 1] != name] == [IS, GOV]
    on_map = {name for name, rgb in colours.items() if (control_map == rgb).all(axis=2).sum() > 30}
    assert on_map == {GOV, SDF}  # PMF's place has no coordinates, IS lost Mosul


def test_a_place_filter_and_a_day_narrow_the_report(output, tmp_path, capsys):
    code, _, _ = run(capsys, "--output", output, "--to", tmp_path, "--place", "al mawsil", "--place", "Hawija",
                     "--as-of", "2017-06-15")
    assert code == EXIT_OK
    rows = table_of((tmp_path / report.PAGE).read_text(encoding="utf-8")).splitlines()
    assert rows[0] == "Control as of 2017-06-15: 1 place"  # Hawija is not known yet
    assert rows[2].split()[:3] == ["Mosul", "(IQ)", GOV]


def test_the_same_output_renders_the_same_bytes(output, tmp_path, capsys):
    for folder in ("a", "b"):
        run(capsys, "--output", output, "--to", tmp_path / folder)
    for name in (report.TIMELINE_PNG, report.MAP_PNG, report.PAGE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize("argv, message", [
    (["--output", "{empty}"], "no control states"),
    (["--output", "{missing}"], "no such folder"),
    (["--output", "{out}", "--place", "Aleppo"], "--place Aleppo: no place"),
    (["--output", "{out}", "--as-of", "2014-01-01"], "nothing is known"),
    (["--output", "{out}", "--as-of", "June"], "not a date"),
    (["--output", "{out}", "--colour", "red"], "unrecognised arguments"),
])
def test_unusable_requests_exit_2_with_one_line(output, tmp_path, capsys, argv, message):
    (tmp_path / "empty").mkdir()
    paths = {"empty": tmp_path / "empty", "missing": tmp_path / "nowhere", "out": output}
    code, out, err = run(capsys, *(arg.format(**paths) for arg in argv), "--to", tmp_path / "charts")
    assert (code, out) == (EXIT_USAGE, "")
    assert len(err.splitlines()) == 1 and message in err
    assert not (tmp_path / "charts").exists()


def test_periods_last_until_the_next_state_and_the_last_through_the_day():
    states = fold_control(EVENTS[0])[0]
    periods = report.control_periods(states, D(2018, 1, 1))
    assert [(p.start, p.end, p.controller, p.status) for p in periods] == [
        (D(2014, 6, 1), D(2017, 5, 27), IS, "changed"),
        (D(2017, 5, 27), D(2017, 6, 1), IS, "contested"),
        (D(2017, 6, 1), D(2018, 1, 2), GOV, "changed"),
    ]


def test_every_canonical_group_has_its_own_stable_colour():
    groups = ["ISLAMIC_STATE", "SYRIAN_GOVERNMENT", "IRAQI_GOVERNMENT", "PMF", "PESHMERGA", "SDF", "REBELS",
              "NUSRA_HTS", "HEZBOLLAH", "TURKEY", "RUSSIA", "IRAN", "US_COALITION", "OTHER", "UKRAINE_GOVERNMENT",
              "DPR_LPR"]
    colours = [report.controller_colour(group) for group in groups]
    assert len(set(colours)) == len(groups)
    assert report.UNKNOWN_COLOUR not in colours and report.controller_colour(None) == report.UNKNOWN_COLOUR
    assert report.controller_colour("A_NEW_GROUP") in set(report.PALETTE) - set(colours)
    assert report.controller_order([None, "SDF", "A_NEW_GROUP", IS]) == [IS, "SDF", "A_NEW_GROUP"]


def test_the_map_extent_holds_the_points_at_the_frame_ratio():
    lons, lats = [41.2, 43.1, 43.8], [34.4, 36.3, 35.3]
    west, east, south, north = report.map_extent(lons, lats)
    assert west < min(lons) and east > max(lons) and south < min(lats) and north > max(lats)
    middle = np.cos(np.radians((south + north) / 2))
    assert (east - west) * middle / (north - south) == pytest.approx(report.MAP_RATIO, rel=0.01)


def test_the_outline_is_read_from_the_installed_package():
    shores, borders = report.outlines(report.SHORELINES), report.outlines(report.BORDERS)
    baghdad = [o for o in shores if o.level == 1 and o.west < 44.4 < o.east and o.south < 33.3 < o.north]
    assert baghdad and all(o.points.shape[1] == 2 for o in baghdad)
    assert sum(1 for o in borders if o.west < 48 and o.east > 40 and o.south < 37 and o.north > 29) >= 3
    assert all(-180 <= o.west <= o.east <= 180 and -90 <= o.south <= o.north <= 90 for o in shores + borders)


def test_the_report_goes_into_the_output_folder_by_default(output, capsys):
    code, out, _ = run(capsys, "--output", output)
    assert code == EXIT_OK
    assert out.splitlines()[-1] == f"wrote {output / 'report' / report.PAGE}"
    assert (output / "report" / report.TIMELINE_PNG).stat().st_size > 0
