-- Registry events: promotions and rollbacks, with who asked and why.
CREATE TABLE IF NOT EXISTS {database:Identifier}.model_events
(
    event_time DateTime64(3),
    event String,
    model_id String,
    model_type String,
    network String,
    window_days UInt16,
    previous_model_id String,
    reason String
)
ENGINE = MergeTree
ORDER BY (network, model_type, window_days, event_time);
