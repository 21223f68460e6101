"""Evaluation: text metrics, syllable counts, baselines, reports and plots."""
