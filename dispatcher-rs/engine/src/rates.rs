//! What a queue learns from its own events for the wait estimate: the service rate μ
//! from handle times and the abandonment rate θ from the waits of the contacts that left
//! its line. See "estimated_wait" in `vaxla_dispatcher.reference`.

/// Each observation's weight shrinks by `1 - 1/RATE_MEMORY` per later one, so the rates
/// follow about the last few hundred calls of the queue, however busy it is.
pub const RATE_MEMORY: f64 = 500.0;
const KEEP: f64 = 1.0 - 1.0 / RATE_MEMORY;
/// Until this many contacts of the queue have ended, the estimate falls back to the AHT
/// one.
pub const MIN_HANDLED: u64 = 10;

/// Exponentially weighted sums; every update is the same arithmetic as the reference's.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rates {
    /// Contacts ended, unweighted.
    ended: u64,
    /// Weighted count and handle seconds (talk plus wrap-up) of ended contacts.
    handled: f64,
    handle_s: f64,
    /// Weighted count of contacts that left the line unanswered, and the seconds that
    /// every contact that left it (answered or not) had waited in it.
    abandoned: f64,
    waited_s: f64,
}

/// μ and θ per second, once enough is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LearnedRates {
    pub service: f64,
    pub abandon: f64,
}

impl Rates {
    pub fn handled(&mut self, handle_s: f64) {
        self.ended = self.ended.saturating_add(1);
        self.handled = self.handled * KEEP + 1.0;
        self.handle_s = self.handle_s * KEEP + handle_s;
    }

    pub fn left(&mut self, waited_s: f64, abandoned: bool) {
        self.abandoned = self.abandoned * KEEP + if abandoned { 1.0 } else { 0.0 };
        self.waited_s = self.waited_s * KEEP + waited_s;
    }

    /// μ = handled / handle time; θ = abandoned / time waited, the censored-exponential
    /// maximum-likelihood estimate (0 before anyone waited).
    pub fn learned(&self) -> Option<LearnedRates> {
        if self.ended < MIN_HANDLED || self.handle_s <= 0.0 {
            return None;
        }
        let abandon = if self.waited_s > 0.0 {
            self.abandoned / self.waited_s
        } else {
            0.0
        };
        Some(LearnedRates {
            service: self.handled / self.handle_s,
            abandon,
        })
    }
}

/// Ibrahim and Whitt's queue-length predictor with abandonment (QLm): the expected wait
/// of a contact with `ahead` contacts before it, `servers` servers each serving at rate
/// `service` and every waiting contact abandoning at rate `abandon`:
/// sum over i = 0..=ahead of 1 / (servers·service + i·abandon).
pub fn qlm_wait(ahead: u64, servers: u64, service: f64, abandon: f64) -> f64 {
    let rate = servers as f64 * service;
    let mut total = 0.0;
    for i in 0..=ahead {
        total += 1.0 / (rate + i as f64 * abandon);
    }
    total
}
