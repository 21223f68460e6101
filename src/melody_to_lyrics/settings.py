"""Project settings (see https://docs.kedro.org/en/stable/configure/configuration_basics/)."""

import warnings

from melody_to_lyrics.hooks import ValidationHooks

HOOKS = (ValidationHooks(),)

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # An environment's parameter file names only the keys it changes.
    "merge_strategy": {"parameters": "soft"},
}

# kedro 1.7 calls an omegaconf API that omegaconf 2.4 deprecates; the warning is not ours to fix.
warnings.filterwarnings("ignore", message=r"register_new_resolver\(\) is deprecated", category=UserWarning)
