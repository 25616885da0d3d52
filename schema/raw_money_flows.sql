-- Transfers between two addresses aggregated over the window (DATA_CONTRACT.md, raw_money_flows).
CREATE TABLE IF NOT EXISTS {database:Identifier}.raw_money_flows
(
    window_days UInt16,
    processing_date Date,
    from_address String,
    to_address String,
    tx_count UInt64,
    amount_sum Decimal128(18),
    amount_usd_sum Decimal128(18),
    first_seen_timestamp UInt64,
    last_seen_timestamp UInt64,
    active_days UInt32,
    avg_tx_size_usd Decimal128(18),
    unique_assets UInt32,
    dominant_asset String,
    hourly_pattern Array(UInt16),
    weekly_pattern Array(UInt16),
    reciprocity_ratio Float32,
    is_bidirectional Boolean,
    created_at DateTime DEFAULT now()
)
ENGINE = MergeTree
PARTITION BY (window_days, toYYYYMM(processing_date))
ORDER BY (window_days, processing_date, from_address, to_address)
SETTINGS index_granularity = 8192;
