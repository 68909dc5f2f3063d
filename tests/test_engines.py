"""The Avro outputs as other tools load them: pandas (through fastavro) and Spark SQL (its own Avro data
source, spark-avro), with dates as dates and timestamps as timestamps.

Spark needs Java and the spark-avro jar, which `scripts/spark.sh fetch` puts in a cache with Maven; where
either is missing the Spark tests skip with the reason.
"""
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import schemas
from pipeline.main import EXIT_OK, main
from tests.avro_files import read_records
from transforms.assembly import place_key
from transforms.control import control_as_of, latest_revisions

pd = pytest.importorskip("pandas", reason="pandas is a test dependency (pip install -e '.[test]')")

REPO = Path(__file__).resolve().parents[1]
KINDS = ("articles", "events", "control", "changes", "dead_letter")
#: What pandas holds for each Avro logical type: the Python type of a value, or the column's dtype.
PANDAS_DATE, PANDAS_TIMESTAMP = dt.date, "datetime64[ns, UTC]"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

#: The README's Spark SQL query: the controller of every place on a day, over a run's control/ folder.
CONTROLLER_ON_DAY = REPO / "docs" / "scheduling" / "controller_on_day.sql"


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    """The pipeline's output on the bundled sample (articles, a duplicate, a dead letter, events, control)."""
    output = tmp_path_factory.mktemp("engines") / "out"
    assert main(["run", "--input", str(REPO / "samples"), "--output", str(output)]) == EXIT_OK
    return output


def fields_with_logical_type(record: str, logical_type: str) -> list[str]:
    """Top-level fields of `record` whose type (or a branch of its union) has `logical_type`."""
    def has(avro_type) -> bool:
        branches = avro_type if isinstance(avro_type, list) else [avro_type]
        return any(isinstance(branch, dict) and branch.get("logicalType") == logical_type for branch in branches)
    return [field["name"] for field in schemas.load_schema(record)["fields"] if has(field["type"])]


@pytest.mark.parametrize("kind", KINDS)
def test_pandas_loads_every_output_with_dates_and_timestamps(output, kind):
    frame = pd.DataFrame.from_records(read_records(output / kind))
    summary = json.loads((output / "_SUMMARY.json").read_text())
    assert len(frame) == summary["counters"][f"write.{kind}"] > 0
    record = schemas.OUTPUT_RECORDS[kind]
    for column in fields_with_logical_type(record, "date"):
        days = frame[column].dropna()
        assert len(days) and all(type(day) is PANDAS_DATE for day in days), column
        assert str(pd.to_datetime(frame[column]).dtype) == "datetime64[ns]"
    for column in fields_with_logical_type(record, "timestamp-millis"):
        assert str(frame[column].dtype) == PANDAS_TIMESTAMP and frame[column].notna().any(), column


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is a test dependency (pip install -e '.[test]')")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime")
    fetched = subprocess.run([str(REPO / "scripts" / "spark.sh"), "fetch"], capture_output=True, text=True)
    if fetched.returncode == 4:
        pytest.skip(f"spark-avro is not available: {fetched.stderr.strip().splitlines()[-1]}")
    assert fetched.returncode == 0, fetched.stderr
    from pyspark.sql import SparkSession
    session = (SparkSession.builder.master("local[1]").appName("conflict-control-tests")
               .config("spark.jars", fetched.stdout.strip())
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "1")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_type_mismatches(avro_type, spark_type, path: str) -> list[str]:
    """Where Spark's type for a column differs from what its Avro type means (nested types included)."""
    from pyspark.sql import types as T
    if isinstance(avro_type, list):  # the project's unions are ["null", T]: a nullable T
        [avro_type] = [branch for branch in avro_type if branch != "null"]
    name = avro_type if isinstance(avro_type, str) else avro_type["type"]
    logical = avro_type.get("logicalType") if isinstance(avro_type, dict) else None
    if name == "record" and isinstance(spark_type, T.StructType):
        spark_fields = {field.name: field.dataType for field in spark_type.fields}
        return [mismatch for field in avro_type["fields"]
                for mismatch in spark_type_mismatches(field["type"], spark_fields.get(field["name"]),
                                                      f"{path}.{field['name']}")]
    if name == "array" and isinstance(spark_type, T.ArrayType):
        return spark_type_mismatches(avro_type["items"], spark_type.elementType, f"{path}[]")
    if name == "map" and isinstance(spark_type, T.MapType):
        return spark_type_mismatches(avro_type["values"], spark_type.valueType, f"{path}{{}}")
    expected = {("int", "date"): T.DateType(), ("long", "timestamp-millis"): T.TimestampType(),
                ("string", None): T.StringType(), ("int", None): T.IntegerType(), ("long", None): T.LongType(),
                ("double", None): T.DoubleType(), ("boolean", None): T.BooleanType(),
                ("bytes", None): T.BinaryType()}.get((name, logical))
    return [] if expected is not None and spark_type == expected else [f"{path}: {spark_type} for {avro_type}"]


@pytest.mark.parametrize("kind", KINDS)
def test_spark_reads_every_output_with_its_avro_types(spark, output, kind):
    frame = spark.read.format("avro").load(str(output / kind))
    assert frame.count() == len(read_records(output / kind))
    assert spark_type_mismatches(schemas.load_schema(schemas.OUTPUT_RECORDS[kind]), frame.schema, kind) == []


def test_spark_reads_the_same_days_and_instants_as_fastavro(spark, output):
    """Equal values, not only types: days as days, and instants to the millisecond whatever the zone."""
    from pyspark.sql import types as T
    control = spark.read.format("avro").load(str(output / "control"))
    # The date=YYYY-MM-DD folders become a `date` column that Spark types as a date, equal to the field.
    assert control.schema["date"].dataType == T.DateType()
    assert control.where("date != window_date").count() == 0
    assert sorted(map(tuple, control.select("place.name", "window_date", "since").collect()), key=str) == sorted(
        ((s["place"]["name"], s["window_date"], s["since"]) for s in read_records(output / "control")), key=str)
    articles = spark.read.format("avro").load(str(output / "articles"))
    instants = articles.selectExpr("article_id", "unix_millis(published_at)").collect()
    assert sorted(map(tuple, instants), key=str) == sorted(
        ((a["article_id"], epoch_millis(a["published_at"])) for a in read_records(output / "articles")), key=str)


def epoch_millis(moment: dt.datetime | None) -> int | None:
    return None if moment is None else (moment - EPOCH) // dt.timedelta(milliseconds=1)


def controller_on_day(spark, output: Path, day: dt.date) -> list[tuple]:
    """The rows of the query file's last statement, its ${output} and ${day} set as spark-sql -d would."""
    spark.conf.set("output", str(output))
    spark.conf.set("day", day.isoformat())
    statements = [statement for statement in CONTROLLER_ON_DAY.read_text(encoding="utf-8").split(";")
                  if any(line.strip() and not line.strip().startswith("--") for line in statement.splitlines())]
    for statement in statements[:-1]:
        spark.sql(statement)
    return [tuple(row) for row in spark.sql(statements[-1]).collect()]


@pytest.mark.parametrize("day", [dt.date(2017, 10, 6), dt.date(2026, 1, 1)])
def test_the_controller_of_every_place_on_a_day_in_spark_sql_is_the_projects_answer(spark, output, day):
    states = latest_revisions(read_records(output / "control"), lambda s: (place_key(s["place"]), s["window_date"]))
    expected = [(s["place"]["name"], s["place"]["country"], s["controller"], s["status"], s["since"],
                 s["previous_controller"], round(s["confidence"], 2)) for s in control_as_of(states, day).values()]
    assert len(expected) >= 8  # the sample knows eight places by late 2017
    assert sorted(controller_on_day(spark, output, day), key=str) == sorted(expected, key=str)
