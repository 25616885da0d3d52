"""Model file names as DATA_CONTRACT.md fixes them (existing loaders glob this pattern):

    <model_type>_<network>_v<version>_<start>_<end>_w<N>d_<YYYYmmdd_HHMMSS>_<suffix>.txt

The short random suffix keeps two runs finishing in the same second from colliding.
"""

from __future__ import annotations

import datetime as dt
import secrets


def model_id(
    model_type: str, network: str, version: str, start: dt.date, end: dt.date, window: int, created: dt.datetime
) -> str:
    stamp = created.strftime("%Y%m%d_%H%M%S")
    return f"{model_type}_{network}_v{version}_{start}_{end}_w{window}d_{stamp}_{secrets.token_hex(3)}"
