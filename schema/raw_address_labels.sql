-- Ground truth about addresses: the default label source (DATA_CONTRACT.md, raw_address_labels).
CREATE TABLE IF NOT EXISTS {database:Identifier}.raw_address_labels
(
    processing_date Date,
    window_days UInt16,
    network String,
    address String,
    label String,
    network_type String DEFAULT '',
    address_type String DEFAULT 'unknown',
    address_subtype String DEFAULT '',
    risk_level String DEFAULT 'medium',
    confidence_score Float32 DEFAULT 0.5,
    trust_level String DEFAULT '',
    source String DEFAULT ''
)
ENGINE = MergeTree
PARTITION BY (toYYYYMM(processing_date), network)
ORDER BY (processing_date, window_days, network, address, label)
SETTINGS index_granularity = 8192;
