"""The golden trace that the Rust engine's tests replay (engine/tests/golden.rs) must be
what the Python reference records today; and the native engine replays it exactly."""

from __future__ import annotations

import io
from pathlib import Path

from vaxla_dispatcher import Dispatcher, bench

GOLDEN = Path(__file__).parents[2] / "dispatcher-rs" / "engine" / "tests" / "data" / "golden.trace"


def test_golden_trace_is_what_the_reference_records() -> None:
    out = io.StringIO()
    bench.write_golden(out)
    assert out.getvalue() == GOLDEN.read_text(), (
        "the reference's rules changed: regenerate with "
        "`python -m vaxla_dispatcher.bench --golden "
        "dispatcher-rs/engine/tests/data/golden.trace` and review the diff"
    )


def test_native_engine_replays_the_golden_trace() -> None:
    trace = bench.record(
        bench.SMALL_SITE, bench.GOLDEN_EVENTS, bench.GOLDEN_SEED, print, tick=bench.GOLDEN_TICK
    )
    assert trace.events >= bench.GOLDEN_EVENTS
    # replay raises on the first offer that differs from the recording
    bench.replay(Dispatcher(engine="native"), [*trace.setup, *trace.timed], timed=False)
