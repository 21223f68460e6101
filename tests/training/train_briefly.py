"""A small training run in its own process, for the kill-and-resume test.

python -m tests.training.train_briefly FOLDER STEPS
"""

import sys
from pathlib import Path

from tests.training.helpers import quick
from tests.training.test_loop import decoder_trainer

if __name__ == "__main__":
    folder, steps = Path(sys.argv[1]), int(sys.argv[2])
    decoder_trainer(
        folder, quick(steps=steps, checkpoint_every=1, log_every=5, eval_every=50)
    ).fit()
