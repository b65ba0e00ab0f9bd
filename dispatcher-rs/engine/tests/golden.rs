//! The Rust engine against the Python reference, without the bindings in between:
//! `tests/data/golden.trace` was recorded by `vaxla_dispatcher.reference` (see
//! `python -m vaxla_dispatcher.bench --golden`), and replaying it here must produce
//! exactly the offers the reference made, batch by batch.

use vaxla_engine::trace;
use vaxla_engine::Engine;

const GOLDEN: &str = include_str!("data/golden.trace");

#[test]
fn engine_makes_the_offers_the_reference_recorded() {
    let batches = trace::parse(GOLDEN).expect("the golden trace parses");
    let offers: usize = batches.iter().map(|b| b.offers.len()).sum();
    assert!(
        batches.len() > 100 && offers > 500,
        "the trace must exercise matching"
    );
    let mut engine = Engine::new(0);
    let events = trace::replay(&mut engine, &batches, true).expect("same offers as recorded");
    assert!(events >= 3_000);
}

#[test]
fn a_changed_offer_is_noticed() {
    let mut batches = trace::parse(GOLDEN).expect("the golden trace parses");
    let victim = batches
        .iter_mut()
        .find(|b| !b.offers.is_empty())
        .expect("some batch has offers");
    victim.offers[0].1 += 1;
    assert!(trace::replay(&mut Engine::new(0), &batches, true).is_err());
}

#[test]
fn a_damaged_trace_is_refused_with_its_line() {
    let damaged = GOLDEN.replacen("\nB ", "\nX ", 1);
    let err = trace::parse(&damaged).expect_err("damaged");
    assert!(err.starts_with("line "), "{err}");
}
