"""ClickHouse DDL, one file per table; shipped in the wheel as ``riskforge.schema``."""
