-- One row per scoring batch: counts, latencies, model versions, status and monitoring.
CREATE TABLE IF NOT EXISTS {database:Identifier}.batch_metadata
(
    processing_date Date,
    processed_at DateTime64(3),
    window_days UInt16,
    input_counts_alerts UInt32,
    input_counts_features UInt32,
    input_counts_clusters UInt32,
    output_counts_alert_scores UInt32,
    output_counts_alert_rankings UInt32,
    output_counts_cluster_scores UInt32,
    latencies_ms_total Float64,
    latencies_ms_features Float64,
    latencies_ms_predict Float64,
    model_versions Map(String, String),
    status Enum8('PROCESSING' = 1, 'COMPLETED' = 2, 'FAILED' = 3),
    error_message String,
    monitoring_json String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (processing_date, processed_at);
