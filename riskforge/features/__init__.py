"""Feature groups: declarative SQL evaluated in ClickHouse, composed into one query per entity level."""
