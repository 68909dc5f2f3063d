"""Where the third-party reference data lives (../shared, read in place, never copied into the
repository) and the readers every evaluation and benchmark shares."""
import csv
import json
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval"
DATA = SHARED / "data"
FA_KES_CSV = DATA / "fa_kes" / "FA-KES-Dataset.csv"
ACLED_CSV = DATA / "acled_syria_territory" / "acled_syria_territory_changes.csv"


def require(*paths: Path) -> None:
    """Exit with one line (code 2) when reference data is missing: these scripts need ../shared."""
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        print(f"error: reference data not found: {', '.join(missing)} (the evaluations read ../shared "
              f"beside the repository)", file=sys.stderr)
        sys.exit(2)


@dataclass(frozen=True)
class FaKesArticle:
    unit_id: str
    title: str
    body: str
    source: str
    day: dt.date
    location: str
    credible: bool


def read_fa_kes() -> list[FaKesArticle]:
    """The 804 FA-KES articles (latin-1 CSV; dates M/D/YYYY)."""
    require(FA_KES_CSV)
    with FA_KES_CSV.open(encoding="latin1", newline="") as handle:
        return [FaKesArticle(row["unit_id"], row["article_title"], row["article_content"], row["source"],
                             dt.datetime.strptime(row["date"], "%m/%d/%Y").date(), row["location"],
                             row["labels"] == "1")
                for row in csv.DictReader(handle)]


def write_fa_kes_jsonl(path: Path) -> int:
    """FA-KES as the pipeline's JSON Lines input (one article per line); returns the number written."""
    articles = read_fa_kes()
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps({"url": f"fa-kes:{article.unit_id}", "title": article.title,
                                     "text": article.body, "source": article.source,
                                     "published_at": article.day.isoformat()}, ensure_ascii=False) + "\n")
    return len(articles)
