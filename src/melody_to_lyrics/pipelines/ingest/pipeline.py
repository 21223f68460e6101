"""The ``ingest`` pipeline."""

from kedro.pipeline import Pipeline, node

from melody_to_lyrics.pipelines.ingest.nodes import ingest_sources, report_ingest


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                ingest_sources,
                inputs=[
                    "raw_midi",
                    "raw_melody_midi",
                    "raw_aligned_npy",
                    "raw_lyric_text",
                    "params:ingest",
                ],
                outputs=[
                    "songs",
                    "tracks",
                    "notes",
                    "lyric_events",
                    "lyric_text_lines",
                    "ingest_rejects",
                    "ingest_stats",
                ],
                name="ingest_sources",
            ),
            node(
                report_ingest,
                inputs=["ingest_stats", "ingest_rejects"],
                outputs="ingest_report",
                name="report_ingest",
            ),
        ],
        tags="ingest",
    )
