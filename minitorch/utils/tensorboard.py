"""``SummaryWriter`` with PyTorch's method names, writing TensorBoard event files.

Built on tensorboardX (a maintained event-file writer that needs no TensorFlow); install it with
``pip install 'minitorch[examples]'``. View the logs with ``tensorboard --logdir runs``.
"""

from __future__ import annotations

import numpy as np

from .. import backend


def _value(x):
    """Tensors and device arrays become host numpy values; everything else passes through."""
    array = getattr(x, "array", x)
    if hasattr(array, "dtype") and not isinstance(array, np.ndarray):
        array = backend.to_host(array)
    if isinstance(array, np.ndarray) and array.ndim == 0:
        return array.item()
    return array


class SummaryWriter:
    """Log scalars, histograms, images and text for TensorBoard (``torch.utils.tensorboard``)."""

    def __init__(
        self,
        log_dir=None,
        comment="",
        purge_step=None,
        max_queue=10,
        flush_secs=120,
        filename_suffix="",
    ):
        try:
            from tensorboardX import SummaryWriter as _Writer
        except ImportError as e:
            raise ImportError(
                "SummaryWriter needs tensorboardX: pip install 'minitorch[examples]'"
            ) from e
        self._writer = _Writer(
            logdir=log_dir,
            comment=comment,
            purge_step=purge_step,
            max_queue=max_queue,
            flush_secs=flush_secs,
            filename_suffix=filename_suffix,
        )

    @property
    def log_dir(self) -> str:
        return self._writer.logdir

    def get_logdir(self) -> str:
        return self._writer.logdir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None):
        self._writer.add_scalar(tag, _value(scalar_value), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        values = {k: _value(v) for k, v in tag_scalar_dict.items()}
        self._writer.add_scalars(main_tag, values, global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None):
        self._writer.add_histogram(tag, np.asarray(_value(values)), global_step, bins, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        self._writer.add_image(tag, _value(img_tensor), global_step, walltime, dataformats)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        self._writer.add_text(tag, text_string, global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, run_name=None):
        metrics = {k: _value(v) for k, v in metric_dict.items()}
        self._writer.add_hparams(hparam_dict, metrics, name=run_name)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
