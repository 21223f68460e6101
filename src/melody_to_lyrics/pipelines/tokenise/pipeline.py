"""The ``tokenise`` pipeline."""

from kedro.pipeline import Pipeline, node

from melody_to_lyrics.pipelines.tokenise.nodes import (
    build_decoder_pairs,
    build_encoder_examples,
    build_joint_pairs,
    report_tokenise,
    train_lyric_tokenizer,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                train_lyric_tokenizer,
                ["pretraining_lines", "params:tokenise"],
                "lyric_tokenizer",
                name="train_lyric_tokenizer",
            ),
            node(
                build_decoder_pairs,
                ["pretraining_lines", "aligned_pairs", "lyric_tokenizer", "params:tokenise"],
                "decoder_pairs",
                name="build_decoder_pairs",
            ),
            node(
                build_encoder_examples,
                [
                    "melodies",
                    "lyricless_melodies",
                    "song_split",
                    "params:tokenise",
                    "params:note_features",
                ],
                "encoder_examples",
                name="build_encoder_examples",
            ),
            node(
                build_joint_pairs,
                ["aligned_pairs", "lyric_tokenizer", "params:tokenise", "params:note_features"],
                "joint_pairs",
                name="build_joint_pairs",
            ),
            node(
                report_tokenise,
                ["lyric_tokenizer", "decoder_pairs", "encoder_examples", "joint_pairs"],
                "tokenise_report",
                name="report_tokenise",
            ),
        ],
        tags="tokenise",
    )
