"""The ClickHouse warehouse: DSN resolution, short-lived clients, identifiers and the schema migrator."""

from riskforge.warehouse.client import Warehouse, database_exists, table_columns
from riskforge.warehouse.names import check_network, network_database

__all__ = ["Warehouse", "check_network", "database_exists", "network_database", "table_columns"]
