"""The ``generate`` pipeline."""

from kedro.pipeline import Pipeline, node

from melody_to_lyrics.pipelines.generate.nodes import write_lyrics


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                write_lyrics,
                [
                    "user_midi",
                    "joint_train.model",
                    "lyric_tokenizer",
                    "params:generate",
                    "params:note_features",
                ],
                ["generated_lyrics", "karaoke_files"],
                name="write_lyrics",
            )
        ],
        tags="generate",
    )
