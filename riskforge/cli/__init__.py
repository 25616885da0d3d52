"""The command line: a thin dispatcher in front of one Hydra app per Hydra-backed command."""
