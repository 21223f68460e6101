"""The ``note_features`` pipeline."""

from kedro.pipeline import Pipeline, node

from melody_to_lyrics.pipelines.note_features.nodes import (
    build_aligned_pairs,
    build_lyricless_melodies,
    build_pretraining_lines,
    extract_song_features,
    report_note_features,
    split_by_song,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                extract_song_features,
                inputs=["songs", "tracks", "notes", "lyric_events", "params:note_features"],
                outputs=["melodies", "aligned_lines", "alignment_report", "note_features_rejects"],
                name="extract_song_features",
            ),
            node(
                split_by_song,
                ["aligned_lines", "params:note_features"],
                "song_split",
                name="split_by_song",
            ),
            node(
                build_aligned_pairs,
                ["aligned_lines", "song_split"],
                "aligned_pairs",
                name="build_aligned_pairs",
            ),
            node(
                build_lyricless_melodies,
                ["melodies", "aligned_pairs"],
                "lyricless_melodies",
                name="build_lyricless_melodies",
            ),
            node(
                build_pretraining_lines,
                inputs=["aligned_pairs", "lyric_text_lines", "songs", "params:note_features"],
                outputs=["pretraining_lines", "pretraining_stats"],
                name="build_pretraining_lines",
            ),
            node(
                report_note_features,
                inputs=[
                    "alignment_report",
                    "song_split",
                    "aligned_pairs",
                    "lyricless_melodies",
                    "pretraining_stats",
                    "note_features_rejects",
                ],
                outputs="note_features_report",
                name="report_note_features",
            ),
        ],
        tags="note_features",
    )
