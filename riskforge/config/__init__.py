"""Configuration: dataclass schemas for every Hydra command and the search path plugins extend."""
