"""The wait-estimate benchmark's simulator, on one small seeded regime: it scores callers,
its old estimate follows the engine's AHT (checked inside), and the figures it prints
are the ratios of its sums."""

from __future__ import annotations

import math
import random

from vaxla_dispatcher import ewt_bench


def test_a_small_regime_scores_every_predictor() -> None:
    result = ewt_bench.simulate(ewt_bench.Regime(servers=5, load=1.0), callers=3_000, seed=1)
    assert result.callers == 3_000
    assert 0 < result.waited < result.callers
    assert result.abandoned > 0
    assert result.ratio(ewt_bench.ORACLE) == 1.0
    for name in ewt_bench.PREDICTORS:
        assert result.rel_mse(name) == result.error[name] / result.squared_waits > 0.0
    # the oracle knows the true rates; the old estimate ignores abandonment
    assert result.error["QLm"] < result.error["old"]


def test_day_arrivals_swing_around_the_mean_rate() -> None:
    arrivals = ewt_bench._Arrivals(random.Random(3), rate=1.0, day=True)
    t, count, day = 0.0, 0, ewt_bench.DAY_S
    first_half = 0
    while t < 4 * day:
        t = arrivals.next_after(t)
        count += 1
        first_half += (t % day) < day / 2
    assert abs(count / (4 * day) - 1.0) < 0.01
    # sin > 0 over the first half of each day: 1 + 2·0.3/π of the mean there
    assert abs(first_half / count - (1 + 2 * ewt_bench.SWING / math.pi) / 2) < 0.01
