//! Vaxla's dispatcher engine: matches waiting contacts (calls, chats, ...) to agents.
//!
//! Pure Rust with no Python in it; `vaxla_dispatcher._native` binds it and
//! `vaxla_dispatcher.reference` (Python) implements the same rules as the oracle of the
//! differential tests. The rules are written down once, in that module's text; each
//! function here names the rule it implements.
//!
//! Nothing here reads a clock: every call that depends on time takes `now` (seconds).

mod engine;
mod error;
mod event;
mod matching;
mod num;
mod queries;
mod rates;
mod state;
pub mod trace;

pub use engine::Engine;
pub use error::{BatchError, EngineError};
pub use event::{AgentSpec, ContactSpec, Event, MembershipSpec, QueueSpec, StepSpec};
pub use num::SplitMix64;
pub use queries::{AgentRow, ContactState, QueueRow, Snapshot};
pub use rates::{qlm_wait, LearnedRates, MIN_HANDLED, RATE_MEMORY};
pub use state::{Strategy, RONA_REASON};
