-- Scores of a binary alert model per day; one partition per (day, window, model type) so that
-- re-scoring replaces exactly that slice.
CREATE TABLE IF NOT EXISTS {database:Identifier}.alert_scores
(
    processing_date Date,
    alert_id String,
    score Float64,
    model_version String,
    latency_ms Float64,
    explain_json String DEFAULT '',
    created_at DateTime DEFAULT now(),
    window_days UInt16,
    model_type String,
    model_id String
)
ENGINE = MergeTree
PARTITION BY (processing_date, window_days, model_type)
ORDER BY (processing_date, window_days, model_type, alert_id);
