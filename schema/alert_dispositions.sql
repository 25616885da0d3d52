-- Outcomes of investigated alerts: an optional label source (DATA_CONTRACT.md, Alert dispositions).
CREATE TABLE IF NOT EXISTS {database:Identifier}.alert_dispositions
(
    alert_id String,
    disposition String,
    decided_at DateTime
)
ENGINE = MergeTree
ORDER BY (alert_id, decided_at);
