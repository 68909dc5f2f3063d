"""The NLP stage read in a pool of processes (`--nlp_processes`) gives what it gives in-process, and an
article that fails is still an error of its own."""
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

from transforms.entities import DEFAULT_NER_BATCH_WORDS, nlp_pool
from transforms.nlp import get_nlp
from transforms.reading import read_bundle, read_in_pool_process

TEXTS = ["U.S.-backed Iraqi forces have recaptured the town of Hawija from ISIS.",
         "The Syrian Democratic Forces took full control of Raqqa on Tuesday, a spokesman said.",
         "Fighting continued near Manbij as talks stalled."]


def article(number: int, text, language: str = "en") -> dict:
    return {"article_id": f"a{number}", "url": f"https://example.org/{number}", "source": "test",
            "published_at": None, "published_date": dt.date(2017, 10, 5), "text": text, "language": language}


def read_in_pool(articles: list[dict]):
    return nlp_pool(None, 1).submit(read_in_pool_process, None, articles, DEFAULT_NER_BATCH_WORDS).result(timeout=300)


def test_a_pool_process_reads_a_bundle_as_the_worker_itself_does():
    articles = [article(number, text) for number, text in enumerate(TEXTS)]
    in_process = read_bundle(get_nlp(), articles)
    pooled = read_in_pool(articles)
    assert pooled.readings == in_process.readings
    assert pooled.tokens == in_process.tokens > 0
    assert any(reading.mentions for reading in pooled.readings)


def test_a_failing_article_is_an_error_and_the_others_are_read():
    articles = [article(0, TEXTS[0]), article(1, None)]
    first, failed = read_in_pool(articles).readings
    assert first.error is None and first.entities
    assert failed.entities is None and failed.error[0] and failed.error[1]


def test_an_article_in_another_language_rides_in_the_bundle_unread():
    articles = [article(0, "Les forces irakiennes ont repris la ville de Hawija.", "fr"), article(1, TEXTS[0])]
    other, english = read_bundle(get_nlp(), articles).readings
    assert other is None
    assert english.error is None and english.mentions


def running(pid: int) -> bool:
    """Whether the process exists and has not ended (an ended orphan may linger as a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_pool_processes_end_when_the_process_that_started_them_is_killed():
    starter = subprocess.Popen(
        [sys.executable, "-c", "import os, time\n"
         "from transforms.entities import nlp_pool\n"
         "print(nlp_pool(None, 1).submit(os.getpid).result(timeout=300), flush=True)\n"
         "time.sleep(300)\n"],
        cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, text=True)
    pool_process = int(starter.stdout.readline())
    assert running(pool_process)
    starter.kill()
    starter.wait()
    deadline = time.monotonic() + 30
    while running(pool_process) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not running(pool_process)
