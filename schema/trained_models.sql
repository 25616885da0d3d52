-- One tracking row per stored model: the upstream columns, then riskforge's additions
-- (window_days, baseline_metrics_json, metrics_ci_json, model_sha256, stage, run_id; created_at to the
-- millisecond).
CREATE TABLE IF NOT EXISTS {database:Identifier}.trained_models
(
    model_id String,
    model_type String,
    version String,
    network String,
    training_start_date Date,
    training_end_date Date,
    created_at DateTime64(3),
    model_path String,
    metrics_json String,
    hyperparameters_json String,
    feature_names Array(String),
    num_samples UInt32,
    num_features UInt16,
    test_auc Float32,
    cv_auc_mean Float32,
    cv_auc_std Float32,
    window_days UInt16,
    baseline_metrics_json String,
    metrics_ci_json String,
    model_sha256 String,
    stage String DEFAULT 'candidate',
    run_id String
)
ENGINE = MergeTree
ORDER BY (network, model_type, created_at);
