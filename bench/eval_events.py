"""Event extraction measured on the seeds, on ACLED's coded notes and on FA-KES articles.

    python -m bench.eval_events [--model PATH] [--skip-fakes] [--fakes-mentions PATH]

1. Seeds: the five seed articles (boilerplate removed as the clean stage does) against
   ../shared/eval/seeds_gold.jsonl with the README's matching rule; every miss and every unmatched
   extraction is printed. Hypothetical mentions never change control, so they are listed apart and
   neither match nor spoil the gold.
2. ACLED: each row's `notes` as an article published on `event_date`; recall of (control change,
   place, gaining group, date ±1 day, or the week of a date known to its week: 'between November 21st
   and 26th') and precision of the control changes extracted, for 2017 rows
   (the development set) and 2018+ rows (held out) separately, with the commonest failure kinds.
   Where ACLED's geo_precision is 2-3 its location is the nearest town it knows, so there an
   unlocatable place or one within 25 km of it counts as the place. An extracted place the gazetteer
   cannot locate is ACLED's when the names agree as the gazetteer matches them, or when, word by word
   as the gazetteer matches names (its spelling key, or its consonant skeleton with vowel patterns
   that differ in at most a slot: ghayn and dhal written 'g' / 'gh' and 'z' / 'dh', Mhser / Mahsar,
   and a construct-state '-at' ending before another word of the name, Hwaijet Saker / Hawija Saker,
   Um Treikiet Elqablieh / Umm Turaykiyah, or on both last words, Hatlat / Hatla; never a fuzzy
   score alone), the shorter name begins the longer one, with Arabic
   articles, generic words ('village', 'Mount', a leading 'Tal', 'Khirbet', 'Mazraat') and 'Abul' / 'Bin'
   spellings set aside, and with the direction or size qualifiers both write in agreement
   (Sharqiyah / Eastern, Tahtani / Lower, Saghira / Small): 'Aqareb' is 'Aqareb al-Safi', 'Lower
   Baqras' is 'Baqras Tahtani', 'Salam Al-Sharqiyah' is 'Eastern Salam'; a shorter name of opening
   words alone ('Jabal al-Sheikh' against 'Sheikh Hilal') is no match. A note listing several villages
   is often coded to one of them: precision is printed strictly and, separately, with the further
   listed places set aside (neither right nor wrong).
3. FA-KES: all articles; events per article, share with a resolved place and with a day-precision
   date, and 20 events drawn with a fixed seed, printed with their sentence for judging.
"""
import argparse
import csv
import datetime as dt
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bench.shared_data import ACLED_CSV, EVAL, FA_KES_CSV, SEEDS, read_fa_kes, require
from transforms.boilerplate import clean_text
from transforms.events import CAPTURE, HYPOTHETICAL, SIEGE_BROKEN, extract_events
from transforms.gazetteer import (ARABIC_ARTICLES, GENERIC_WORDS, construct_state, fold_place_name, get_gazetteer,
                                  place_names_agree)
from transforms.nlp import get_nlp

REPO = Path(__file__).resolve().parents[1]
SEEDS_GOLD = EVAL / "seeds_gold.jsonl"
DEFAULT_MODEL = REPO / "transforms" / "models" / "ner_conll"
TRAINING_MODEL = REPO / "training" / "runs" / "model-best"

CONTROL_CHANGE = {CAPTURE, SIEGE_BROKEN}
SAME_PLACE_KM = 10.0
NEAREST_TOWN_KM = 25.0
MAX_UNMATCHED_SEED_EVENTS = 2

# The gold's must_not lines, as checks on the extracted mentions of each seed.
MUST_NOT = {
    "002_abdb369c9fc7e4a6.txt": ("an event from the appended 'Top News' list",
                                 lambda m, text: m["evidence"]["start"] >= text.find("Top News")
                                 if "Top News" in text else False),
    "003_5d72bf2b25391026.txt": ("a reported CAPTURE of Mosul ('poised to retake' is hypothetical)",
                                 lambda m, text: m["event_type"] == CAPTURE and place_names_agree(m["place"]["name"], "Mosul")
                                 and m["certainty"] != HYPOTHETICAL),
}

# ACLED actor names -> the groups of /work/shared/eval/README.md (first matching pattern wins). Turkish
# operations are coded as one actor for the Turkish army and the rebels it backs: either reading counts.
# Named before the broad rebel words that would catch them: Liwa al-Quds ('LaQ: Quds Brigade') is a
# pro-government Palestinian militia, Harakat Hezbollah al-Nujaba an Iraqi Shiite militia of the PMF (not
# Lebanon's Hezbollah), the IRGC ('... Revolutionary Guard Corps') Iran's, and Liwa al-Aqsa (a Jund al-Aqsa
# splinter that sided with IS) and the Hurras al-Din-led 'Wa Harredh al-Mu'mineen' room are neither rebels
# nor HTS.
ACLED_GROUPS = (
    (r"Military Forces of Turkey", {"TURKEY"}),
    (r"Operation (Olive Branch|Euphrates Shield|Peace Spring)", {"TURKEY", "REBELS"}),
    (r"Military Forces of Syria|Pro-Government|National Defence Forces|Tiger|Qalamoon Shield|Quds Brigade",
     {"SYRIAN_GOVERNMENT"}),
    (r"Popular Mobilization|Nujaba", {"PMF"}),
    (r"Military Forces of Iraq", {"IRAQI_GOVERNMENT"}),
    (r"Military Forces of Iran", {"IRAN"}),
    (r"Hezbollah", {"HEZBOLLAH"}),
    (r"Military Forces of Russia|Wagner", {"RUSSIA"}),
    (r"Islamic State|Khalid ibn al Walid", {"ISLAMIC_STATE"}),
    (r"QSD|Syrian Democratic Forces|YPG|YPJ|Peoples Protection|Military Council|Asayish", {"SDF"}),
    (r"HTS|Hayat Tahrir|Nusra|Fateh al Sham", {"NUSRA_HTS"}),
    (r"Liwa al Aqsa|Moa'mineen", {"OTHER"}),
    (r"Opposition|Rebel|Ahrar|Free Syrian|National Liberation Front|Syrian National Army|Zinki|Levant Front|"
     r"Jaysh|Jaish|Army of|Corps|Liwa|Suquor|Lions|Commandos|Islamist|Liberation Front|Sharqiyah|Faylaq|"
     r"Operation Room|Brigade", {"REBELS"}),
)


# Arabic direction and size qualifiers of village names and their English translations.
QUALIFIERS = {
    "east": "sharqi sharqiya sharqiyah sharqiyeh sharqieh sharqiyya sharqiyyah eastern east",
    "west": "gharbi gharbiya gharbiyah gharbiyeh gharbieh western west",
    "north": "shamali shamaliya shamaliyah shamaliyeh shmali northern north",
    "south": "janubi janoubi jnubi qibli kibli qabli qablia qablieh qabliyeh qibliyeh janubiya janubiyah "
             "southern south",
    "lower": "tahtani tahtaniyah tahtania tahtaniya lower",
    "upper": "fawqani foqani fouqani fawqaniyah foqaniyah upper",
    "small": "saghir saghira saghirah sghir sgheer sgheera zghir small little",
    "big": "kabir kabira kabirah kbir kbira kbeer kbeera big great",
}
QUALIFIER_OF = {word: meaning for meaning, words in QUALIFIERS.items() for word in words.split()}
# Words for a kind of place beyond the gazetteer's generic words, and Arabic ones that open a name
# ('Tal Kasrah', 'Khirbet Rahjan') and are often left out of it.
EXTRA_GENERIC_WORDS = frozenset("neighborhood neighbourhood farms farm villages area valley suburb border".split())
LEADING_GENERIC_WORDS = frozenset("tal tall tell tel jabal jebel jabl khirbet kherbet kherbat khirbat mazraat mazraa "
                                  "mazrat jeb jib jubb ain ayn ein bir beir wadi hawijat dahrat".split())
WORD_SPELLINGS = {"abul": "abu", "bin": "ibn", "ben": "ibn", "um": "umm"}
# Words that open a name and say little alone: a shorter name must have another ('Jabal al-Sheikh' is
# not 'Sheikh Hilal', 'Rasm al-Kabir' not 'Rasm al-Ahmar').
NAME_HEAD_WORDS = frozenset("abu umm ibn sheikh shaykh rasm ras qasr deir dayr kafr beit bayt".split())


def acled_groups(actor: str) -> set[str]:
    for pattern, groups in ACLED_GROUPS:
        if re.search(pattern, actor):
            return groups
    return set()


# -- matching -----------------------------------------------------------------------------------------
def _km(lat1, lon1, lat2, lon2) -> float:
    rad = math.radians
    a = (math.sin(rad(lat2 - lat1) / 2) ** 2
         + math.cos(rad(lat1)) * math.cos(rad(lat2)) * math.sin(rad(lon2 - lon1) / 2) ** 2)
    return 6371 * 2 * math.asin(math.sqrt(a))


def same_place(place: dict, name: str, country: str | None = None, lat=None, lon=None) -> bool:
    """The extracted place is the gold one: same name, same gazetteer place, or within 10 km."""
    if place_names_agree(place["name"], name):
        return True
    gold = get_gazetteer().resolve(name, (country,) if country else ())
    if gold is not None and place["canonical_id"] == gold.canonical_id:
        return True
    if lat is None and gold is not None:
        lat, lon = gold.lat, gold.lon
    return lat is not None and place["lat"] is not None and _km(lat, lon, place["lat"], place["lon"]) <= SAME_PLACE_KM


def same_date(extracted: dt.date | None, gold: dt.date, precision: str) -> bool:
    if extracted is None:
        return False
    if precision == "day":
        return abs((extracted - gold).days) <= 1
    if precision == "week":
        return extracted.isocalendar()[:2] == gold.isocalendar()[:2] or abs((extracted - gold).days) <= 3
    if precision == "month":
        return (extracted.year, extracted.month) == (gold.year, gold.month)
    return extracted.year == gold.year


def same_type(extracted: str, gold: str) -> bool:
    return extracted == gold or {extracted, gold} <= CONTROL_CHANGE


def matches_gold(mention: dict, gold: dict) -> bool:
    return (same_type(mention["event_type"], gold["type"])
            and same_place(mention["place"], gold["place"], gold.get("place_country"))
            and mention["gaining_actor"] == gold["gaining"]
            and same_date(mention["event_date"], dt.date.fromisoformat(gold["date"]), gold["date_precision"]))


def describe(mention: dict) -> str:
    return (f"{mention['event_type']} {mention['place']['name']} gaining={mention['gaining_actor']} "
            f"losing={mention['losing_actor']} allies={mention['allies']} {mention['event_date']} "
            f"({mention['date_precision']}, {mention['certainty']}) | {mention['evidence']['sentence'][:110]!r}")


# -- 1. seeds -----------------------------------------------------------------------------------------
def evaluate_seeds(nlp) -> bool:
    metadata = {entry["file"]: entry for entry in map(json.loads, (SEEDS / "metadata.jsonl").read_text().splitlines())}
    gold = {entry["file"]: entry for entry in map(json.loads, SEEDS_GOLD.read_text().splitlines())}
    found = required = unmatched = violations = 0
    for name in sorted(gold):
        published = dt.date.fromisoformat(metadata[name]["published"])
        text = clean_text((SEEDS / name).read_text(encoding="utf-8")).text
        mentions = extract_events(nlp(text), {"article_id": name, "url": metadata[name]["url"],
                                              "source": metadata[name]["source"], "published_at": None,
                                              "published_date": published, "text": text})
        scored = [m for m in mentions if m["certainty"] != HYPOTHETICAL]
        print(f"\n{name} (published {published}): {len(mentions)} mentions, {len(scored)} not hypothetical")
        for event in gold[name]["events"]:
            hit = any(matches_gold(m, event) for m in scored)
            if event["required"]:
                required += 1
                found += hit
            print(f"  {'found' if hit else 'MISSED'} {'required' if event['required'] else 'optional'} "
                  f"{event['type']} {event['place']} {event['gaining']} {event['date']}")
        for mention in scored:
            if not any(matches_gold(mention, event) for event in gold[name]["events"]):
                unmatched += 1
                print(f"  UNMATCHED {describe(mention)}")
        for mention in mentions:
            if mention["certainty"] == HYPOTHETICAL:
                print(f"  hypothetical {describe(mention)}")
        if name in MUST_NOT:
            label, violates = MUST_NOT[name]
            bad = [m for m in mentions if violates(m, text)]
            violations += len(bad)
            print(f"  must not: {label}: {'VIOLATED ' + '; '.join(map(describe, bad)) if bad else 'ok'}")
    print(f"\nseeds: required found {found}/{required}, must_not violations {violations}, "
          f"unmatched extractions {unmatched} (target <= {MAX_UNMATCHED_SEED_EVENTS})")
    return found == required and violations == 0 and unmatched <= MAX_UNMATCHED_SEED_EVENTS


# -- 2. ACLED -----------------------------------------------------------------------------------------
def acled_place(place: dict, row: dict) -> bool:
    """ACLED's location, or (geo_precision 2-3: ACLED coded the nearest town it knows for a place
    the note names) any place the gazetteer cannot locate or one within 25 km."""
    lat, lon = float(row["latitude"]), float(row["longitude"])
    if same_place(place, row["location"], "SY", lat, lon):
        return True
    # ACLED names a city's quarter 'City - Quarter' ('Deir-ez-Zor - Hettin'): the quarter's name is the place's
    if any(place_names_agree(place["name"], part) for part in row["location"].split(" - ")[1:]):
        return True
    if place["lat"] is None and any(acled_names_agree(place["name"], part) for part in row["location"].split(" - ")):
        return True
    return float(row["geo_precision"] or 1) >= 2 and (
        place["lat"] is None or _km(lat, lon, place["lat"], place["lon"]) <= NEAREST_TOWN_KM)


def acled_names_agree(extracted: str, location: str) -> bool:
    """An unlocated extracted name is ACLED's location (the rule of the module doc)."""
    if place_names_agree(extracted, location):
        return True
    (words_a, qualifiers_a), (words_b, qualifiers_b) = _name_words(extracted), _name_words(location)
    if not words_a or not words_b or (qualifiers_a and qualifiers_b and qualifiers_a != qualifiers_b):
        return False
    shorter, longer = sorted((words_a, words_b), key=len)
    return not set(shorter) <= NAME_HEAD_WORDS and all(
        place_names_agree(a, b) for a, b in zip(shorter, longer))


def _name_words(name: str) -> tuple[list[str], set[str]]:
    """The name's distinctive words and its qualifiers ('Salam Al-Sharqiyah' -> ['salam'], {'east'})."""
    folded = fold_place_name(name).split()
    # (word, its construct-state reading before another word of the name: 'Hwaijet Saker', 'Um Treikiet
    # Elqablieh'), with the word itself deciding what kind of word it is
    words = [(WORD_SPELLINGS.get(word, word), read) for word, read in zip(folded, construct_state(folded))
             if word not in ARABIC_ARTICLES]
    qualifiers = {QUALIFIER_OF[word] for word, _ in words if word in QUALIFIER_OF}
    core = [(word, read) for word, read in words
            if word not in QUALIFIER_OF and word not in GENERIC_WORDS and word not in EXTRA_GENERIC_WORDS]
    while len(core) > 1 and core[0][0] in LEADING_GENERIC_WORDS:
        core.pop(0)
    return [WORD_SPELLINGS.get(read, read) for _, read in core], qualifiers


def _acled_match(mention: dict, row: dict) -> bool:
    return (mention["event_type"] in CONTROL_CHANGE
            and acled_place(mention["place"], row)
            and mention["gaining_actor"] in acled_groups(row["actor1"])
            and same_date(mention["event_date"], dt.date.fromisoformat(row["event_date"]),
                          "week" if mention["date_precision"] == "week" else "day"))


def _failure_kind(mentions: list[dict], row: dict) -> str:
    changes = [m for m in mentions if m["event_type"] in CONTROL_CHANGE and m["certainty"] != HYPOTHETICAL]
    if not mentions:
        return "no event at all"
    if not changes:
        return "only " + "/".join(sorted({m["event_type"] + ("(hyp)" if m["certainty"] == HYPOTHETICAL else "")
                                          for m in mentions}))
    located = [m for m in changes if acled_place(m["place"], row)]
    if not located:
        return "other place"
    if not any(m["gaining_actor"] in acled_groups(row["actor1"]) for m in located):
        return f"gaining {located[0]['gaining_actor']} for {row['actor1'][:30]}"
    return "date"


def evaluate_acled(nlp) -> None:
    with open(ACLED_CSV, encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["notes"].strip()]
    groups = defaultdict(list)  # one note is often coded once per place it names
    for row in rows:
        groups[(row["notes"], row["event_date"])].append(row)
    mentions_of = {}
    for (notes, day), doc in zip(groups, nlp.pipe((notes for notes, _ in groups), batch_size=64)):
        published = dt.date.fromisoformat(day)
        mentions_of[(notes, day)] = extract_events(doc, {"article_id": f"acled:{day}", "url": None, "source": "ACLED",
                                                         "published_at": None, "published_date": published,
                                                         "text": notes})
    for split, in_split in (("2017 (development)", lambda year: year == 2017),
                            ("2018+ (held out)", lambda year: year >= 2018)):
        keys = [key for key in groups if in_split(int(key[1][:4]))]
        hits = total = unmappable = extracted = correct = co_listed = 0
        failures, false_positives = Counter(), Counter()
        for key in keys:
            mentions = mentions_of[key]
            for row in groups[key]:
                if not acled_groups(row["actor1"]):
                    unmappable += 1
                    continue
                total += 1
                if any(_acled_match(m, row) for m in mentions):
                    hits += 1
                else:
                    failures[_failure_kind(mentions, row)] += 1
            changes = [m for m in mentions if m["event_type"] in CONTROL_CHANGE and m["certainty"] != HYPOTHETICAL]
            matched = [m for m in changes if any(_acled_match(m, row) for row in groups[key])]
            extracted += len(changes)
            correct += len(matched)
            for mention in changes:
                if mention in matched:
                    continue
                false_positives[_false_positive_kind(mention, groups[key])] += 1
                co_listed += _listed_with(mention, matched)
        print(f"\nACLED {split}: {len(keys)} notes, {total} rows with a mappable gaining actor "
              f"({unmappable} unmappable left out)")
        print(f"  recall {hits}/{total} = {hits / max(total, 1):.3f}; precision {correct}/{extracted} = "
              f"{correct / max(extracted, 1):.3f}")
        print(f"  of the false positives, {co_listed} are further places listed in the sentence of a matched "
              f"extraction (same event type and gaining actor) that ACLED did not code as rows of their own; "
              f"setting them aside, precision {correct}/{extracted - co_listed} = "
              f"{correct / max(extracted - co_listed, 1):.3f}")
        print("  commonest misses: " + "; ".join(f"{kind} x{n}" for kind, n in failures.most_common(8)))
        print("  commonest false positives: " + "; ".join(f"{kind} x{n}" for kind, n in false_positives.most_common(8)))


def _listed_with(mention: dict, matched: list[dict]) -> bool:
    """'captured the villages of A, B and C', coded by ACLED as A only: B and C share the matched
    extraction's sentence, type and gaining actor. Reported apart, never counted as correct."""
    return any(other["evidence"]["start"] == mention["evidence"]["start"]
               and other["event_type"] == mention["event_type"]
               and other["gaining_actor"] == mention["gaining_actor"]
               and other["place"]["name"] != mention["place"]["name"] for other in matched)


def _false_positive_kind(mention: dict, rows: list[dict]) -> str:
    located = [row for row in rows if acled_place(mention["place"], row)]
    if not located:
        return "place not coded (other or unresolved place)"
    if not any(mention["gaining_actor"] in acled_groups(row["actor1"]) for row in located):
        return "wrong gaining group"
    return "date"


# -- 3. FA-KES ----------------------------------------------------------------------------------------
def evaluate_fakes(nlp, sample_size: int = 20, seed: int = 7, mentions_out: Path | None = None) -> None:
    articles = [article for article in read_fa_kes() if article.body]
    mentions = []
    for article, doc in zip(articles, nlp.pipe((a.body for a in articles), batch_size=16)):
        mentions.extend(extract_events(doc, {"article_id": article.unit_id, "url": None, "source": article.source,
                                             "published_at": None, "published_date": article.day,
                                             "text": doc.text}))
    if mentions_out is not None:  # for judging further draws without another run
        with open(mentions_out, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(mention, default=str) + "\n" for mention in mentions)
    count = len(mentions) or 1
    print(f"\nFA-KES: {len(articles)} articles, {len(mentions)} event mentions "
          f"({len(mentions) / max(len(articles), 1):.2f} per article; articles with any: "
          f"{len({m['evidence']['article_id'] for m in mentions})})")
    print(f"  resolved place {sum(m['place']['resolved'] for m in mentions) / count:.3f}; day-precision date "
          f"{sum(m['date_precision'] == 'day' for m in mentions) / count:.3f}")
    print("  by type: " + ", ".join(f"{k} {n}" for k, n in Counter(m["event_type"] for m in mentions).most_common()))
    print("  by certainty: " + ", ".join(f"{k} {n}" for k, n in Counter(m["certainty"] for m in mentions).most_common()))
    print(f"  {sample_size} mentions drawn with random.Random({seed}):")
    for number, mention in enumerate(random.Random(seed).sample(mentions, min(sample_size, len(mentions))), 1):
        print(f"  [{number}] article {mention['evidence']['article_id']}: {describe(mention)}")
        print(f"       sentence: {mention['evidence']['sentence']}")


def _pipeline(model: str | None):
    """The project model if trained, else the training run's best model, else the rules alone."""
    if model:
        return get_nlp(model)
    for candidate in (DEFAULT_MODEL, TRAINING_MODEL):
        if candidate.is_dir():
            print(f"NER model: {candidate}")
            return get_nlp(None if candidate == DEFAULT_MODEL else str(candidate))
    print("NER model: none (rules only)")
    return get_nlp()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="spaCy pipeline holding the NER (default: the project's)")
    parser.add_argument("--skip-fakes", action="store_true", help="leave out the FA-KES run (the slowest)")
    parser.add_argument("--fakes-mentions", type=Path, help="also write the FA-KES mentions here (JSON lines)")
    args = parser.parse_args()
    require(SEEDS, SEEDS_GOLD, ACLED_CSV, FA_KES_CSV)
    nlp = _pipeline(args.model)
    seeds_ok = evaluate_seeds(nlp)
    evaluate_acled(nlp)
    if not args.skip_fakes:
        evaluate_fakes(nlp, mentions_out=args.fakes_mentions)
    return 0 if seeds_ok else 1


if __name__ == "__main__":
    sys.exit(main())
