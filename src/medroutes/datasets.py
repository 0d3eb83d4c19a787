"""Datasets bundled with medroutes.

The package ships one small synthetic scenario (two weeks of August 2023 at a
quarter of the calibrated volume, generated with
``medroutes generate --scenario sample --seed 7``) so that tutorials, examples
and ``medroutes report`` work without any download::

    import medroutes as mr
    sc = mr.datasets.load_sample()
    sc.positions.head()
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medroutes.synthetic import Scenario

__all__ = ["load_sample", "sample_dir"]


def sample_dir() -> Path:
    """Return the folder of the bundled sample scenario (Parquet tables, ``scenario.toml``, ``manifest.json``).

    Returns
    -------
    pathlib.Path
    """
    return Path(str(resources.files("medroutes").joinpath("data", "sample")))


def load_sample(*, verify: bool = True) -> Scenario:
    """Load the bundled sample scenario.

    Parameters
    ----------
    verify
        Check the files against the checksums of their manifest.

    Returns
    -------
    medroutes.synthetic.Scenario
        Tables ``positions, voyages, incidents, weather, departures, assets``
        and the ground truth ``truth``; the same scenario as
        ``sample_data/scenario`` in the source repository.

    Examples
    --------
    >>> import medroutes as mr
    >>> sc = mr.datasets.load_sample()
    >>> sc.config.name
    'sample'
    """
    from medroutes.synthetic import read_scenario

    return read_scenario(sample_dir(), verify=verify)
