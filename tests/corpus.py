"""Small article files written by the tests themselves (no third-party text)."""
import gzip
import json
from pathlib import Path

HAWIJA = ("Iraqi troops and police retook the town of Hawija from the Islamic State on Thursday, "
          "the military said.")
DASHISHA = "The SDF said on Sunday it had driven the militants out of Dashisha after a week of fighting."
MANBIJ = "Fighters of the US-backed alliance took control of Manbij on Friday after a ten-week battle."


def article(text=HAWIJA, **fields) -> dict:
    return {"url": "https://example.org/a", "source": "Test Wire", "title": "A test story",
            "published_at": "2017-10-05T10:00:00Z", "text": text, **fields}


def write_jsonl(path: Path, lines) -> Path:
    """`lines` are dicts (dumped as JSON) or raw bytes/str written as they are."""
    chunks = []
    for line in lines:
        if isinstance(line, dict):
            line = json.dumps(line, ensure_ascii=False)
        chunks.append(line if isinstance(line, bytes) else line.encode("utf-8"))
    data = b"\n".join(chunks) + b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data, mtime=0))
    else:
        path.write_bytes(data)
    return path
