-- The controller of every place on one day, from the control/ folder of a run's output (ControlState
-- records, read with Spark's Avro data source): each place's latest state on or before the day, at its
-- highest revision (late data writes a state again), and a change of hands before that day reads as
-- 'held'. Places are told apart by canonical id, or by name where no gazetteer resolved them.
--
--   spark-sql --jars "$(scripts/spark.sh fetch)" -d output=out/sample -d day=2017-10-06 \
--       -f docs/scheduling/controller_on_day.sql
CREATE OR REPLACE TEMPORARY VIEW control USING avro OPTIONS (path '${output}/control');

WITH latest AS (
  SELECT place, controller, status, since, previous_controller, confidence, window_date,
         row_number() OVER (PARTITION BY coalesce(place.canonical_id, place.name)
                            ORDER BY window_date DESC, revision DESC) AS newest
  FROM control
  WHERE window_date <= DATE '${day}'
)
SELECT place.name AS place, place.country AS country, controller,
       CASE WHEN status = 'changed' AND window_date < DATE '${day}' THEN 'held' ELSE status END AS status,
       since, previous_controller AS previous, round(confidence, 2) AS confidence
FROM latest
WHERE newest = 1
ORDER BY place;
