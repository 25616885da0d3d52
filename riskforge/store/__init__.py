"""Storing a model: its LightGBM text file and metadata JSON (atomic, never overwritten), then one
tracking row in ClickHouse, written last so a row always points at complete files."""
