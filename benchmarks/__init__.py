"""Benchmarks: each module ``bench_*.py`` has ``run() -> list[Measurement]``; ``python -m
benchmarks`` runs them all and prints each figure beside its baseline measured in the same run."""
