"""Precision and recall of near-duplicate detection on FA-KES plus syndicated variants made from it.

Run from the repo root:  python -m bench.eval_near_duplicates

The corpus mixes
  * all 804 FA-KES articles (headline + body), published at their dataset date;
  * syndicated variants of sampled articles (fixed seed): another outlet's header/footer, an edited
    headline, truncation to 60-90 %, 1-3 changed sentences, each alone and in combinations;
  * pairs of *different* same-day, same-place FA-KES articles wrapped in one outlet's identical
    boilerplate, the hardest negatives a real feed produces.
Every pair of different FA-KES stories is a negative; the report singles out the same-day-same-place
and same-place pairs. FA-KES itself holds copies (the same wire story scraped twice or carried by two
outlets); they are labelled from exact shingle overlap, independent of MinHash:
  containment >= COPY_CONTAINMENT  -> the same story (a true duplicate pair)
  containment >= REWRITE_CONTAINMENT -> a rewritten wire story, judged either way, so left out of scoring.
Detection runs exactly the pipeline's path: signature -> band keys -> group by band key ->
duplicate_links -> canonical_of over the whole corpus.
"""

from __future__ import annotations

import itertools
import pickle
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from bench.shared_data import FA_KES_CSV, FaKesArticle, read_fa_kes, require
from transforms.near_duplicates import (
    Candidate,
    MinHasher,
    canonical_of,
    duplicate_links,
    normalised_words,
)


SEED = 20240611
BASES_SAMPLED = 240
SHARED_BOILERPLATE_PAIRS = 60
LABEL_SHINGLE_SIZE = 3
COPY_CONTAINMENT = 0.8
REWRITE_CONTAINMENT = 0.5
CHOSEN = dict(num_perm=128, shingle_size=4, threshold=0.35)
THRESHOLD_SWEEP = (0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7)
NUM_PERM_SWEEP = (64, 128, 256)
SHINGLE_SWEEP = (3, 4, 5)

# Boilerplate of invented outlets, written for this benchmark.
OUTLETS = ("Levant Ledger", "Gulf Morning Post", "Euphrates Daily", "Mediterranean Wire", "Orontes Herald")
HEADER_LINES = (
    "{outlet} | World | Middle East",
    "Published {date} | Last updated {date}",
    "By {outlet} staff and agencies",
    "Share on Facebook Share on Twitter Share by email Print this page",
    "Listen to this story - 4 min read",
    "Breaking: the latest from the region, brought to you by {outlet}",
)
FOOTER_LINES = (
    "Copyright {year} {outlet}. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.",
    "Sign up for the {outlet} morning briefing and get the top stories in your inbox every day.",
    "Follow {outlet} on social media for live updates from Syria and Iraq.",
    "Related coverage: more stories about the war in Syria on our Middle East page.",
    "Reporting by agency correspondents; editing by the {outlet} news desk.",
    "Comments on this article are moderated and may take some time to appear.",
)
HEADLINE_PREFIXES = ("UPDATE:", "Syria:", "LIVE:", "Breaking:", "Middle East:", "WATCH:")
SYNONYMS = {
    "kill": "leave dead",
    "kills": "leaves dead",
    "killed": "left dead",
    "attack": "assault",
    "attacks": "assaults",
    "civilians": "non-combatants",
    "said": "stated",
    "says": "states",
    "monitor": "watchdog",
    "syrian": "Syria's",
    "regime": "government",
    "rebels": "opposition fighters",
    "airstrikes": "air raids",
    "strikes": "raids",
    "at": "at around",
    "least": "minimum",
    "government": "state",
    "forces": "troops",
}
FILLER_SENTENCES = (
    "The figures could not be independently verified.",
    "Officials did not respond to requests for comment on Tuesday.",
    "The death toll was expected to rise as rescuers searched the rubble.",
    "Residents described scenes of panic in the streets.",
    "A spokesman declined to give further details.",
)
TRANSFORM_NAMES = ("boilerplate", "headline", "truncate", "sentences")


@dataclass
class Article:
    item_id: str
    text: str
    published: str
    base: int  # row of the FA-KES article this text derives from
    kind: str  # "fa-kes", "variant:<transforms>" or "shared-boilerplate"

    @property
    def order_key(self) -> tuple:
        return (self.published, self.item_id)


# --- ground truth for FA-KES pairs ------------------------------------------------------------------


def label_fa_kes_pairs(stories: list[FaKesArticle]) -> tuple[set, set]:
    """Pairs (row, row) of FA-KES copies and of rewritten wire stories, by exact shingle containment
    |A & B| / min(|A|, |B|); containment, not Jaccard, so that a truncated copy still counts as a copy."""
    shingle_sets = []
    for story in stories:
        words = normalised_words(f"{story.title}\n{story.body}")
        shingle_sets.append({tuple(words[i : i + LABEL_SHINGLE_SIZE]) for i in range(len(words) - LABEL_SHINGLE_SIZE + 1)})
    holders = defaultdict(list)
    for index, shingles in enumerate(shingle_sets):
        for shingle in shingles:
            holders[shingle].append(index)
    shared = Counter()
    for indices in holders.values():
        shared.update(itertools.combinations(indices, 2))
    containment = {pair: n / min(len(shingle_sets[pair[0]]), len(shingle_sets[pair[1]])) for pair, n in shared.items()}
    copies = {pair for pair, c in containment.items() if c >= COPY_CONTAINMENT}
    rewrites = {pair for pair, c in containment.items() if REWRITE_CONTAINMENT <= c < COPY_CONTAINMENT}
    return copies, rewrites


# --- synthetic syndicated variants -------------------------------------------------------------------


def sentences_of(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def boilerplate(rng: random.Random, day: date) -> tuple[str, str]:
    outlet = rng.choice(OUTLETS)
    fill = dict(outlet=outlet, date=day.strftime("%d %B %Y"), year=day.year)
    header = "\n".join(line.format(**fill) for line in rng.sample(HEADER_LINES, rng.randint(1, 2)))
    footer = "\n".join(line.format(**fill) for line in rng.sample(FOOTER_LINES, rng.randint(1, 3)))
    return header, footer


def reword(sentence: str, rng: random.Random) -> str:
    """Swap a few words for synonyms; with nothing to swap, prepend an attribution."""
    words = sentence.split()
    swappable = [i for i, w in enumerate(words) if w.casefold() in SYNONYMS]
    if not swappable:
        return "Local sources said " + sentence[:1].lower() + sentence[1:]
    for i in rng.sample(swappable, min(len(swappable), rng.randint(1, 3))):
        words[i] = SYNONYMS[words[i].casefold()]
    return " ".join(words)


def renumber(sentence: str, rng: random.Random) -> str:
    changed = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), sentence)
    return changed if changed != sentence else reword(sentence, rng)


def edit_sentences(body: str, rng: random.Random) -> str:
    sentences = sentences_of(body)
    for index in sorted(rng.sample(range(len(sentences)), min(len(sentences), rng.randint(1, 3))), reverse=True):
        operation = rng.choice(("reword", "renumber", "replace", "drop"))
        if operation == "drop" and len(sentences) > 1:
            del sentences[index]
        elif operation == "replace":
            sentences[index] = rng.choice(FILLER_SENTENCES)
        elif operation == "renumber":
            sentences[index] = renumber(sentences[index], rng)
        else:
            sentences[index] = reword(sentences[index], rng)
    return " ".join(sentences)


def edit_headline(title: str, rng: random.Random) -> str:
    edited = reword(title, rng) if rng.random() < 0.6 else title
    if rng.random() < 0.6:
        edited = f"{rng.choice(HEADLINE_PREFIXES)} {edited}"
    if rng.random() < 0.3:
        edited = edited.upper()
    return edited if edited != title else f"{rng.choice(HEADLINE_PREFIXES)} {title}"


def truncate(body: str, rng: random.Random) -> str:
    words = body.split()
    return " ".join(words[: max(1, round(len(words) * rng.uniform(0.6, 0.9)))])


def syndicated_variant(story: FaKesArticle, transforms: tuple[str, ...], rng: random.Random) -> str:
    title, body = story.title, story.body
    if "truncate" in transforms:
        body = truncate(body, rng)
    if "sentences" in transforms:
        body = edit_sentences(body, rng)
    if "headline" in transforms:
        title = edit_headline(title, rng)
    text = f"{title}\n{body}"
    if "boilerplate" in transforms:
        header, footer = boilerplate(rng, story.day)
        text = f"{header}\n{text}\n{footer}"
    return text


def later(day: date, rng: random.Random) -> str:
    return (datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(1, 72))).isoformat()


def build_corpus(stories: list[FaKesArticle], hard_negatives: list[tuple[int, int]]) -> list[Article]:
    rng = random.Random(SEED)
    corpus = [
        Article(f"fakes-{row:03d}", f"{s.title}\n{s.body}", s.day.isoformat(), row, "fa-kes") for row, s in enumerate(stories)
    ]
    for n, row in enumerate(rng.sample(range(len(stories)), BASES_SAMPLED)):
        story = stories[row]
        single = (TRANSFORM_NAMES[n % len(TRANSFORM_NAMES)],)
        combined = tuple(sorted(rng.sample(TRANSFORM_NAMES, rng.randint(2, len(TRANSFORM_NAMES)))))
        for suffix, transforms in (("a", single), ("b", combined)):
            corpus.append(
                Article(
                    f"variant-{row:03d}{suffix}",
                    syndicated_variant(story, transforms, rng),
                    later(story.day, rng),
                    row,
                    "variant:" + "+".join(transforms),
                )
            )
    for first, second in rng.sample(hard_negatives, min(SHARED_BOILERPLATE_PAIRS, len(hard_negatives))):
        header, footer = boilerplate(rng, stories[first].day)
        published = later(stories[first].day, rng)
        for row in (first, second):
            corpus.append(
                Article(
                    f"shared-{first:03d}-{second:03d}-{row:03d}",
                    f"{header}\n{stories[row].title}\n{stories[row].body}\n{footer}",
                    published,
                    row,
                    "shared-boilerplate",
                )
            )
    return corpus


# --- detection (the pipeline's path) and scoring ----------------------------------------------------


def detect(corpus: list[Article], hasher: MinHasher) -> tuple[dict, dict, float, float, int]:
    """canonical_of over the corpus, the signatures, CPU seconds for hashing and for matching (CPU time,
    as the machine is shared), and the number of pairs compared."""
    started = time.process_time()
    signatures = {a.item_id: hasher.signature(a.text) for a in corpus}
    buckets = defaultdict(list)
    for article in corpus:
        signature = signatures[article.item_id]
        for key in hasher.band_keys(signature):
            buckets[key].append(Candidate(article.order_key, article.item_id, signature))
    hashed = time.process_time()
    links = [link for bucket in buckets.values() if len(bucket) > 1 for link in duplicate_links(bucket, hasher.threshold)]
    canonical = canonical_of(links)
    matched = time.process_time()
    compared = sum(len(b) * (len(b) - 1) // 2 for b in buckets.values())
    return canonical, signatures, hashed - started, matched - hashed, compared


class Truth:
    """True duplicate groups (union of FA-KES copies and variant-of links) and the rewrite pairs."""

    def __init__(self, corpus: list[Article], copies: set, rewrites: set):
        parent = {a.item_id: a.item_id for a in corpus}

        def root(item: str) -> str:
            while parent[item] != item:
                parent[item] = parent[parent[item]]
                item = parent[item]
            return item

        original = {a.base: a.item_id for a in corpus if a.kind == "fa-kes"}
        for article in corpus:
            parent[root(article.item_id)] = root(original[article.base])
        for first, second in copies:
            parent[root(original[first])] = root(original[second])
        self.group = {a.item_id: root(a.item_id) for a in corpus}
        self.base = {a.item_id: a.base for a in corpus}
        self.rewrites = rewrites
        earliest = {}
        for article in sorted(corpus, key=lambda a: a.order_key):
            earliest.setdefault(self.group[article.item_id], article.item_id)
        self.should_repeat = {a.item_id for a in corpus if earliest[self.group[a.item_id]] != a.item_id}

    def same(self, a: str, b: str) -> bool:
        return self.group[a] == self.group[b]

    def rewrite(self, a: str, b: str) -> bool:
        return tuple(sorted((self.base[a], self.base[b]))) in self.rewrites


def score(canonical: dict, truth: Truth) -> dict:
    """Precision and recall over flagged repeats. An item whose canonical is a rewritten wire copy of its
    story is left out of both, as such pairs are left out of the labels."""
    correct = {item for item, (c, _) in canonical.items() if truth.same(item, c)}
    rewrite_hits = {item for item, (c, _) in canonical.items() if item not in correct and truth.rewrite(item, c)}
    wrong = set(canonical) - correct - rewrite_hits
    missed = truth.should_repeat - correct - rewrite_hits
    flagged = len(correct) + len(wrong)
    return dict(
        precision=len(correct) / flagged if flagged else 1.0,
        recall=len(correct) / (len(correct) + len(missed)),
        correct=correct,
        wrong=wrong,
        missed=missed,
        rewrite_hits=rewrite_hits,
    )


def linked_pairs(pairs: list[tuple[str, str]], signatures: dict, hasher: MinHasher) -> int:
    """How many of these pairs the pipeline would link: a shared band key and similarity >= threshold."""
    keys = {item: set(hasher.band_keys(signatures[item])) for pair in pairs for item in pair}
    return sum(
        1
        for a, b in pairs
        if keys[a] & keys[b] and MinHasher.similarity(signatures[a], signatures[b]) >= hasher.threshold
    )


def similarity_margin(corpus: list[Article], signatures: dict, truth: Truth) -> tuple[np.ndarray, np.ndarray]:
    """All-pairs estimated similarity: the best earlier same-story match of each repeat, and every
    different-story pair, to show how far apart the two populations sit."""
    ordered = sorted(corpus, key=lambda a: a.order_key)
    matrix = np.stack([signatures[a.item_id] for a in ordered])
    groups = np.array([truth.group[a.item_id] for a in ordered])
    bases = [a.base for a in ordered]
    repeats, negatives = [], []
    for position in range(1, len(ordered)):
        similarities = (matrix[:position] == matrix[position]).mean(axis=1)
        same = groups[:position] == groups[position]
        rewrite = np.array([tuple(sorted((b, bases[position]))) in truth.rewrites for b in bases[:position]])
        if ordered[position].item_id in truth.should_repeat:
            repeats.append(similarities[same].max())
        negatives.extend(similarities[~same & ~rewrite])
    return np.array(repeats), np.array(negatives)


def describe(article: Article) -> str:
    if article.kind.startswith("variant:"):
        transforms = article.kind.split(":")[1].split("+")
        return f"variant, {transforms[0]}" if len(transforms) == 1 else f"variant, {len(transforms)} transforms combined"
    return {"fa-kes": "FA-KES copy", "shared-boilerplate": "shared-boilerplate copy"}[article.kind]


def run(corpus: list[Article], truth: Truth, num_perm: int, shingle_size: int, threshold: float):
    hasher = MinHasher(num_perm=num_perm, shingle_size=shingle_size, seed=1, threshold=threshold)
    canonical, signatures, hash_seconds, match_seconds, compared = detect(corpus, hasher)
    return hasher, canonical, signatures, hash_seconds, match_seconds, compared, score(canonical, truth)


def main() -> int:
    require(FA_KES_CSV)
    stories = read_fa_kes()
    copies, rewrites = label_fa_kes_pairs(stories)
    identical = sum(1 for a, b in copies if stories[a].body == stories[b].body)
    distinct = [p for p in itertools.combinations(range(len(stories)), 2) if p not in copies and p not in rewrites]
    same_place = [(a, b) for a, b in distinct if stories[a].location == stories[b].location]
    same_day_place = [(a, b) for a, b in same_place if stories[a].day == stories[b].day]
    same_place_other_day = [(a, b) for a, b in same_place if stories[a].day != stories[b].day]
    corpus = build_corpus(stories, same_day_place)
    truth = Truth(corpus, copies, rewrites)
    by_id = {a.item_id: a for a in corpus}

    print(f"FA-KES: {len(stories)} articles. Copies inside it (3-shingle containment >= {COPY_CONTAINMENT}): "
          f"{len(copies)} pairs over {len({r for p in copies for r in p})} articles, {identical} with identical "
          f"bodies. Rewritten wire stories ({REWRITE_CONTAINMENT} <= containment < {COPY_CONTAINMENT}, not scored): "
          f"{len(rewrites)} pairs.")
    print(f"Hard negatives (different stories): {len(same_day_place)} same-day-same-place pairs, "
          f"{len(same_place_other_day)} same-place-other-day pairs, {len(distinct)} different-story pairs in all.")
    print(f"Corpus: {len(corpus)} articles {dict(Counter(a.kind.split(':')[0] for a in corpus))}; "
          f"repeats to flag: {len(truth.should_repeat)}")

    print("\nSweep (P, R = precision, recall of repeat detection; pairs = comparisons inside band buckets)")
    print(f"{'num_perm':>8} {'shingle':>7} {'thresh':>6} {'bands x rows':>12} {'P':>6} {'R':>6} "
          f"{'wrong':>5} {'missed':>6} {'pairs':>6}")
    configs = [(CHOSEN["num_perm"], k, t) for k in SHINGLE_SWEEP for t in THRESHOLD_SWEEP]
    configs += [(p, CHOSEN["shingle_size"], CHOSEN["threshold"]) for p in NUM_PERM_SWEEP if p != CHOSEN["num_perm"]]
    for num_perm, shingle_size, threshold in configs:
        hasher, _, _, _, _, compared, s = run(corpus, truth, num_perm, shingle_size, threshold)
        print(f"{num_perm:>8} {shingle_size:>7} {threshold:>6} {f'{hasher.bands} x {hasher.rows}':>12} "
              f"{s['precision']:>6.3f} {s['recall']:>6.3f} {len(s['wrong']):>5} {len(s['missed']):>6} {compared:>6}")

    hasher, canonical, signatures, hash_seconds, match_seconds, compared, s = run(corpus, truth, **CHOSEN)
    print(f"\nChosen: num_perm={hasher.num_perm} shingle_size={hasher.shingle_size} threshold={hasher.threshold} "
          f"-> bands={hasher.bands} rows={hasher.rows} (seed {hasher.seed})")
    print(f"precision {s['precision']:.4f} ({len(s['correct'])}/{len(s['correct']) + len(s['wrong'])})  "
          f"recall {s['recall']:.4f} ({len(s['correct'])}/{len(s['correct']) + len(s['missed'])});  "
          f"{len(s['rewrite_hits'])} repeats linked to a rewritten wire copy (not scored)")

    tally = defaultdict(lambda: [0, 0])
    for item in truth.should_repeat - s["rewrite_hits"]:
        tally[describe(by_id[item])][0] += item in s["correct"]
        tally[describe(by_id[item])][1] += 1
    print("recall by kind of repeat: " + "; ".join(f"{k} {found}/{total}" for k, (found, total) in sorted(tally.items())))

    as_items = lambda pairs: [(f"fakes-{a:03d}", f"fakes-{b:03d}") for a, b in pairs]
    shared = [a for a in corpus if a.kind == "shared-boilerplate"]
    shared_pairs = [(x.item_id, y.item_id) for x, y in zip(shared[::2], shared[1::2])]
    print("hard negatives linked as duplicates: "
          f"same day and place {linked_pairs(as_items(same_day_place), signatures, hasher)}/{len(same_day_place)}; "
          f"same place, other day {linked_pairs(as_items(same_place_other_day), signatures, hasher)}/{len(same_place_other_day)}; "
          f"same-day-same-place stories under one outlet's boilerplate {linked_pairs(shared_pairs, signatures, hasher)}/{len(shared_pairs)}")
    print(f"rewritten wire-story pairs (not scored) linked as duplicates: "
          f"{linked_pairs(as_items(sorted(rewrites)), signatures, hasher)}/{len(rewrites)}")

    repeats, negatives = similarity_margin(corpus, signatures, truth)
    print(f"margin: different-story pairs max similarity {negatives.max():.3f} (pairs >= 0.25: {(negatives >= 0.25).sum()}); "
          f"repeats' best earlier match 1%/5%/10% quantiles {np.quantile(repeats, [0.01, 0.05, 0.1]).round(3).tolist()}")

    for label in ("wrong", "missed"):
        print(f"{label}: " + (", ".join(
            f"{item} ({describe(by_id[item])}, {len(normalised_words(by_id[item].text))} words)"
            + (f" -> {canonical[item][0]} {canonical[item][1]:.2f}" if item in canonical else "")
            for item in sorted(s[label])) or "none"))

    first = signatures[corpus[0].item_id]
    keys = hasher.band_keys(first)
    key_bytes = sum(len(k.encode()) for k in keys)
    print(f"state per article: signature {first.nbytes} B + {len(keys)} band keys {key_bytes} B = "
          f"{first.nbytes + key_bytes} B (pickled together {len(pickle.dumps((first, keys)))} B)")
    print(f"CPU time per article: signature + band keys {hash_seconds / len(corpus) * 1e3:.3f} ms; bucket matching + "
          f"canonical_of {match_seconds / len(corpus) * 1e3:.3f} ms ({compared} comparisons for {len(corpus)} articles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
