"""Project settings (see https://docs.kedro.org/en/stable/configure/configuration_basics/)."""

import warnings

from melody_to_lyrics.hooks import DistributedHooks, ValidationHooks

HOOKS = (ValidationHooks(), DistributedHooks())

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # An environment's parameter file names only the keys it changes.
    "merge_strategy": {"parameters": "soft"},
}

# kedro 1.7 calls an omegaconf API that omegaconf 2.4 deprecates; the warning is not ours to fix.
warnings.filterwarnings(
    "ignore", message=r"register_new_resolver\(\) is deprecated", category=UserWarning
)
# Training stages are Kedro namespaces; joint_train reads the two pretraining stages' models
# ("encoder_pretrain.model"), which Kedro warns about although it is what namespaces are for.
warnings.filterwarnings(
    "ignore", message=r"One or more dataset names contain '\.' characters", category=UserWarning
)
