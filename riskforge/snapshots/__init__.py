"""Snapshot files on disk: ``<root>/<network>/<processing_date>/<window_days>/`` with one parquet file per
table and a META.json, plus the network's address labels; exported from and ingested into the warehouse."""
