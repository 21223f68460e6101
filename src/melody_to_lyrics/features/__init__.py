"""Melody selection, note vectors, syllable-note alignment, words and the song split."""
