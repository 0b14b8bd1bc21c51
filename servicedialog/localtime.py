"""UTC seconds to local wall-clock time, vectorised, for a fixed time zone.

Working days are counted on local dates, so a case received at 23:30 UTC on a Sunday in
summer (01:30 on Monday in Stockholm) counts from Monday. numpy has no time zones; this
module builds the zone's offset changes once and looks each timestamp up with
``searchsorted``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

FIRST, LAST = datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=8)
def offset_table(zone: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(transition instants in UTC seconds, offset in seconds from each instant on)."""
    tz = ZoneInfo(zone)

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(tz).utcoffset().total_seconds())  # type: ignore[union-attr]

    instants, offsets = [int(FIRST.timestamp())], [offset(FIRST)]
    day = FIRST
    while day < LAST:
        following = day + timedelta(days=1)
        if offset(following) != offsets[-1]:
            hour = day  # transitions fall on whole hours
            while offset(hour) == offsets[-1]:
                hour += timedelta(hours=1)
            instants.append(int(hour.timestamp()))
            offsets.append(offset(hour))
        day = following
    return np.array(instants, dtype=np.int64), np.array(offsets, dtype=np.int64)


def to_local(utc_seconds: npt.NDArray[np.int64], zone: str) -> npt.NDArray[np.datetime64]:
    """Local wall-clock times (datetime64[s]) of UTC epoch seconds."""
    instants, offsets = offset_table(zone)
    index = np.searchsorted(instants, utc_seconds, side="right") - 1
    local = utc_seconds + offsets[np.clip(index, 0, len(offsets) - 1)]
    return local.astype("datetime64[s]")


def from_local(local: npt.NDArray[np.datetime64], zone: str) -> npt.NDArray[np.int64]:
    """UTC epoch seconds of local wall-clock times (datetime64). In the hour a clock is put
    back, the first of the two meanings is taken; a time that does not exist (the hour put
    forward) is read with the offset that follows it."""
    instants, offsets = offset_table(zone)
    wall = local.astype("datetime64[s]").astype(np.int64)
    first = offsets[np.clip(np.searchsorted(instants, wall, side="right") - 1, 0, None)]
    guess = wall - first
    second = offsets[np.clip(np.searchsorted(instants, guess, side="right") - 1, 0, None)]
    return wall - second


def month_counts(
    utc_seconds: npt.NDArray[np.int64], zone: str
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.int64]]:
    """(first days of the local months, how many of the instants fall in each), oldest
    first: what the precomputed month tables of the dashboards are made of."""
    if not len(utc_seconds):
        return np.array([], dtype="datetime64[D]"), np.array([], dtype=np.int64)
    months = to_local(utc_seconds, zone).astype("datetime64[M]")
    unique, counts = np.unique(months, return_counts=True)
    return unique.astype("datetime64[D]"), counts.astype(np.int64)
