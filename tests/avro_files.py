"""Reading the pipeline's Avro output in tests, with fastavro and with the Apache Avro library."""
from pathlib import Path

import fastavro
from avro.datafile import DataFileReader
from avro.io import DatumReader


def avro_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.avro") if not p.name.startswith("."))


def read_records(folder: Path) -> list[dict]:
    """Every record of every Avro file below `folder`, read with fastavro."""
    records = []
    for path in avro_files(folder):
        with path.open("rb") as handle:
            records.extend(fastavro.reader(handle))
    return records


def read_with_apache_avro(path: Path) -> list[dict]:
    """The same file read by an independent implementation (the Apache Avro project's own library)."""
    with path.open("rb") as handle, DataFileReader(handle, DatumReader()) as reader:
        return list(reader)
