-- Daily order of alerts produced by a ranker (its raw scores are not probabilities).
CREATE TABLE IF NOT EXISTS {database:Identifier}.alert_rankings
(
    processing_date Date,
    alert_id String,
    rank Int32,
    model_version String,
    created_at DateTime DEFAULT now(),
    window_days UInt16,
    model_type String,
    model_id String
)
ENGINE = MergeTree
PARTITION BY (processing_date, window_days, model_type)
ORDER BY (processing_date, window_days, model_type, rank);
