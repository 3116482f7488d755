"""Helper modules for samples/generate.py (the huizong sample-data generator)."""
