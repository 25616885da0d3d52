-- Scores of a cluster model per day.
CREATE TABLE IF NOT EXISTS {database:Identifier}.cluster_scores
(
    processing_date Date,
    cluster_id String,
    score Float64,
    model_version String,
    created_at DateTime DEFAULT now(),
    window_days UInt16,
    model_type String,
    model_id String
)
ENGINE = MergeTree
PARTITION BY (processing_date, window_days, model_type)
ORDER BY (processing_date, window_days, model_type, cluster_id);
