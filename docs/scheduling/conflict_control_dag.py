"""An Airflow DAG that runs conflict-control every hour on the articles that arrived in that hour.

The feed delivers each hour's files into their own folder, `inbox/<YYYY-MM-DDTHH>/` (UTC). The run of an
hour reads that folder with `--batch_id` set to the hour and carries what later runs need in `--state`,
so it starts from what earlier runs established and never counts an article twice. Clearing the latest
run in Airflow re-runs that hour and replaces its outputs; runs go one at a time and in order, since each
starts from the state the one before left (the pipeline refuses to re-run an older hour: exit code 2).

The run task fails on any non-zero exit code of the pipeline (the operator raises "Apache Beam process
failed with return code N"): 1 the run failed (retried once), 2 a bad command line or an input that
cannot be used, 3 the run's counts do not add up (a bug to report). `check_dead_letters` then reads the
run's `_SUMMARY.json` and fails without retrying when too many records could not be read.

Install: the project in PROJECT/.venv (`./run_local.sh` makes it); in Airflow's own environment (Airflow
3) `apache-airflow-providers-apache-beam` and `apache-airflow-providers-google`, without which the Beam
operators refuse to load even for the DirectRunner; then copy this file into Airflow's dags folder.
"""
import datetime as dt
import glob
import json
import os

from airflow.providers.apache.beam.operators.beam import BeamRunPythonPipelineOperator
from airflow.sdk import DAG, task
from airflow.sdk.exceptions import AirflowFailException

PROJECT = os.environ.get("CONFLICT_CONTROL_HOME", "/opt/conflict-control")
DATA = os.environ.get("CONFLICT_CONTROL_DATA", "/srv/conflict-control")
HOUR = "{{ data_interval_start.strftime('%Y-%m-%dT%H') }}"
#: Share of an hour's records that may be dead letters (unreadable input) before someone should look.
MAX_DEAD_LETTER_SHARE = 0.05

with DAG(
    dag_id="conflict_control_hourly",
    schedule="@hourly",
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": dt.timedelta(minutes=5)},
    tags=["conflict-control"],
):

    @task.short_circuit
    def has_articles(hour: str) -> bool:
        """A quiet hour has no files: skip its run, which would exit 2 ('no article file found')."""
        return bool(glob.glob(f"{DATA}/inbox/{hour}/*.jsonl.gz"))

    # The operator runs `<py_interpreter> <py_options> <py_file> --runner=… --<option>=<value>…`, that is
    # `python -m pipeline.main run --runner=DirectRunner --input=… --output=… --state=… --batch_id=…`
    # (plus `--labels=airflow-version=…`, a Beam option the pipeline accepts and ignores).
    run = BeamRunPythonPipelineOperator(
        task_id="run",
        runner="DirectRunner",
        py_interpreter=f"{PROJECT}/.venv/bin/python",
        py_options=["-m", "pipeline.main"],
        py_file="run",
        pipeline_options={
            "input": f"{DATA}/inbox/{HOUR}/*.jsonl.gz",
            "output": f"{DATA}/out",
            "state": f"{DATA}/state",
            "batch_id": HOUR,
            "direct_running_mode": "multi_processing",
            "direct_num_workers": 2,
        },
    )

    @task
    def check_dead_letters() -> dict:
        """Fail, without retrying, when too many of the run's records were dead letters."""
        with open(f"{DATA}/out/_SUMMARY.json", encoding="utf-8") as handle:
            summary = json.load(handle)
        if summary["dead_letter"] > MAX_DEAD_LETTER_SHARE * summary["read"]:
            raise AirflowFailException(f"{summary['dead_letter']} of {summary['read']} records were dead letters: "
                                       f"see {DATA}/out/dead_letter/ for each one's stage and reason")
        return {kind: summary[kind] for kind in ("read", "articles", "duplicates", "filtered", "dead_letter")}

    has_articles(HOUR) >> run >> check_dead_letters()
