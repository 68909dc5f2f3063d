"""Seed articles through the NLP pipeline: are the gold events' places and actors found and
canonicalised, and how fast is the full pipeline next to the bare NER model?

    python -m bench.eval_seed_entities [--spacy-model NAME_OR_PATH] [--speed-words 20000]

Reads ../shared/seeds/*.txt and ../shared/eval/seeds_gold.jsonl (relative to the repo root).
A place counts as found when an entity of the article is that place (same name after the eval
README's normalisation, or the same canonical id); it is right when the entity resolved to a place in the gold country and, if
GeoNames knows the name there, to that GeoNames place. An actor counts as found when an ACTOR
entity of the article carries its group id.
"""
import argparse
import json
import re
import sys
import time
from bench.shared_data import EVAL, SEEDS, require

GOLD = EVAL / "seeds_gold.jsonl"


def gold_items(record: dict) -> tuple[list[tuple[str, str]], list[str]]:
    """(place, country) pairs and actor groups named by the record's events, first mention order."""
    places, actors = {}, {}
    for event in record["events"]:
        places.setdefault((event["place"], event["place_country"]), None)
        for group in [event.get("gaining"), event.get("losing"), *event.get("allies", ())]:
            if group:
                actors.setdefault(group, None)
    return list(places), list(actors)


def place_key(name: str) -> str:
    """The eval README's normalisation: case, diacritics, a leading al-/el-/ar- article."""
    from transforms.gazetteer import fold_place_name

    return re.sub(r"^(?:al|el|ar|as|ad|ash|az|ez) ", "", fold_place_name(name))


def check_place(doc, name: str, country: str, gazetteer) -> dict:
    expected = gazetteer.resolve(name, [country])
    expected_id = expected.canonical_id if expected else None
    matches = [ent for ent in doc.ents if ent.label_ == "PLACE" and (
        place_key(ent.text) == place_key(name) or expected_id and ent.kb_id_ == expected_id)]
    best = next((ent for ent in matches if ent.kb_id_), matches[0] if matches else None)
    place = best._.place if best is not None else None
    right = (place is not None and place.country == country
             and (expected_id is None or not expected_id.startswith("geonames:") or place.canonical_id == expected_id))
    return {"found": best is not None, "canonical": place is not None, "right": right,
            "entity": best.text if best is not None else "-", "id": best.kb_id_ if best is not None else "-",
            "where": f"{place.country} {place.admin1 or '-'} {place.lat:.2f},{place.lon:.2f}" if place else "-",
            "geonames_knows": bool(expected_id and expected_id.startswith("geonames:"))}


def check_actor(doc, group: str) -> dict:
    mentions = [ent for ent in doc.ents if ent.label_ == "ACTOR" and ent.kb_id_ == group]
    return {"found": bool(mentions), "entity": mentions[0].text if mentions else "-", "count": len(mentions)}


def words_per_second(pipeline, texts: list[str], words: int, repeats: int = 3) -> float:
    """Best of `repeats` runs of nlp.pipe on one process (the machine is shared: best is least noisy)."""
    list(pipeline.pipe(texts[:5]))  # warm-up: lazy loads (gazetteer arrays, model weights)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _doc in pipeline.pipe(texts, batch_size=32):
            pass
        best = min(best, time.perf_counter() - started)
    return words / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spacy-model", default=None, help="installed spaCy pipeline instead of the CoNLL model")
    parser.add_argument("--speed-words", type=int, default=20000, help="words of seed text per speed run")
    args = parser.parse_args()
    require(GOLD, SEEDS)

    import spacy

    from transforms.gazetteer import get_gazetteer
    from transforms.ner_model import load_ner_model
    from transforms.nlp import build_nlp

    nlp = build_nlp(args.spacy_model)
    gazetteer = get_gazetteer()
    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = {record["file"]: (SEEDS / record["file"]).read_text(encoding="utf-8") for record in records}
    print(f"pipeline: {' > '.join(nlp.pipe_names)}\n")
    print(f"{'file':<9} {'kind':<6} {'gold':<18} {'entity':<32} {'canonical id':<28} {'where':<24} result")
    totals = {"places": 0, "found": 0, "canonical": 0, "geonames": 0, "right": 0, "actors": 0, "actors_found": 0}
    for record in records:
        doc = nlp(texts[record["file"]])
        places, actors = gold_items(record)
        for name, country in places:
            result = check_place(doc, name, country, gazetteer)
            totals["places"] += 1
            totals["found"] += result["found"]
            totals["canonical"] += result["canonical"]
            totals["geonames"] += result["geonames_knows"]
            totals["right"] += result["right"]
            verdict = "ok" if result["found"] and result["right"] else (
                "MISS" if not result["found"] else "WRONG PLACE" if result["canonical"] else "UNRESOLVED")
            print(f"{record['file'][:8]:<9} {'place':<6} {name + ' ' + country:<18} {result['entity'][:31]:<32} "
                  f"{result['id'][:27]:<28} {result['where']:<24} {verdict}")
        for group in actors:
            result = check_actor(doc, group)
            totals["actors"] += 1
            totals["actors_found"] += result["found"]
            print(f"{record['file'][:8]:<9} {'actor':<6} {group:<18} {result['entity'][:31]:<32} "
                  f"{group + ' x' + str(result['count']):<28} {'':<24} {'ok' if result['found'] else 'MISS'}")
    print(f"\nplaces found {totals['found']}/{totals['places']}, canonicalised {totals['canonical']}/{totals['places']}, "
          f"right place {totals['right']}/{totals['places']} (GeoNames knows {totals['geonames']})")
    print(f"actors found and canonicalised {totals['actors_found']}/{totals['actors']}")

    corpus = list(texts.values())
    corpus_words = sum(len(text.split()) for text in corpus)
    copies = max(1, round(args.speed_words / corpus_words))
    speed_texts = corpus * copies
    words = corpus_words * copies
    full = words_per_second(nlp, speed_texts, words)
    print(f"\nspeed on {len(speed_texts)} texts, {words} words, nlp.pipe, 1 process (best of 3):")
    print(f"  full pipeline   {full:8.0f} words/s")
    try:  # the same statistical model on its own
        bare_model = spacy.load(args.spacy_model) if args.spacy_model else load_ner_model()
    except OSError as error:
        print(f"  bare NER model  unavailable ({error})")
        return 0
    bare = words_per_second(bare_model, speed_texts, words)
    print(f"  bare NER model  {bare:8.0f} words/s")
    print(f"  full / bare     {full / bare:8.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
