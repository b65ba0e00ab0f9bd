//! The engine alone, without Python: replays the standard trace that
//! `python -m vaxla_dispatcher.bench` records (path in VAXLA_BENCH_TRACE) and
//! measures events per second on one core. The trace's first batches set the site up
//! (queues, agents, waiting contacts); the rest are the mixed events that are timed.
//! Every run first checks that the engine makes exactly the recorded offers.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use vaxla_engine::trace::{self, Batch};
use vaxla_engine::Engine;

fn load() -> Option<(Vec<Batch>, usize)> {
    let path = std::env::var("VAXLA_BENCH_TRACE").ok()?;
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the trace {path}: {e}"));
    let batches = trace::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let setup: usize = std::env::var("VAXLA_BENCH_SETUP_BATCHES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    Some((batches, setup))
}

fn engine_replay(c: &mut Criterion) {
    let Some((batches, setup)) = load() else {
        eprintln!(
            "VAXLA_BENCH_TRACE is not set: record a trace with `python -m vaxla_dispatcher.bench`"
        );
        return;
    };
    let (setup, timed) = batches.split_at(setup);
    let mut base = Engine::new(0);
    trace::replay(&mut base, setup, true).expect("the set-up replays as recorded");
    let events: usize = timed.iter().map(|b| b.events.len()).sum();
    trace::replay(&mut base.clone(), timed, true).expect("the trace replays as recorded");

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(events as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("replay", |b| {
        b.iter_batched(
            || base.clone(),
            |mut engine| {
                trace::replay(&mut engine, timed, false).expect("replays");
                engine // dropped outside the measurement
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, engine_replay);
criterion_main!(benches);
