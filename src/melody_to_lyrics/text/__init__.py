"""The lyric tokenizer and the token sequences the models train on."""
