"""Idiomatic vectorised pandas versions of the measures, the baseline the benchmarks compare SQL against."""
