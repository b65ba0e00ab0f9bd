//! `vaxla_dispatcher._native`: the engine behind a Python class. This layer only
//! converts; every rule lives in `vaxla-engine`. Batches of events come in, offers go
//! out, and the GIL is released while the engine works.

use pyo3::prelude::*;

mod convert;
mod errors;

use vaxla_engine as engine;

type QueueTuple = (
    u64,
    u64,
    u64,
    f64,
    u64,
    u64,
    u64,
    u64,
    u64,
    Option<f64>,
    Option<f64>,
);
type AgentTuple = (u64, &'static str, String, u64, f64, u64, f64);

/// The native dispatcher; `vaxla_dispatcher.Dispatcher` is the facade to use.
#[pyclass(module = "vaxla_dispatcher._native")]
struct Engine {
    inner: engine::Engine,
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (seed = 0))]
    fn new(seed: u64) -> Self {
        Engine {
            inner: engine::Engine::new(seed),
        }
    }

    /// An independent copy of the whole state (the server's centre keeps one while a
    /// batch of events is written, to put back if the write fails).
    fn copy(&self) -> Self {
        Engine {
            inner: self.inner.clone(),
        }
    }

    /// Applies a batch of events at `now`, in order, stopping at the first bad one.
    fn apply(&mut self, py: Python<'_>, events: &Bound<'_, PyAny>, now: f64) -> PyResult<()> {
        let (parsed, bad) = convert::events(events);
        let inner = &mut self.inner;
        py.detach(|| inner.apply(&parsed, now))
            .map_err(|e| errors::to_py(py, &e.error, e.index))?;
        match bad {
            Some((index, message)) => Err(errors::invalid_value(py, &message, Some(index))),
            None => Ok(()),
        }
    }

    /// Offers to make now, as (contact, agent) pairs in the order they were chosen.
    fn assign(&mut self, py: Python<'_>, now: f64) -> PyResult<Vec<(u64, u64)>> {
        let inner = &mut self.inner;
        py.detach(|| inner.assign(now))
            .map_err(|e| errors::to_py(py, &e, None))
    }

    /// 1-based place of a waiting or offered contact in its queue.
    fn position(&mut self, py: Python<'_>, contact: u64) -> PyResult<u64> {
        self.inner
            .position(contact)
            .map_err(|e| errors::to_py(py, &e, None))
    }

    /// Seconds the contact can still expect to wait.
    fn estimated_wait(&mut self, py: Python<'_>, contact: u64, now: f64) -> PyResult<f64> {
        self.inner
            .estimated_wait(contact, now)
            .map_err(|e| errors::to_py(py, &e, None))
    }

    /// ("waiting" | "offered" | "active", the agents it is offered to or answered by).
    fn contact_state(&self, py: Python<'_>, contact: u64) -> PyResult<(&'static str, Vec<u64>)> {
        let (state, agents) = self
            .inner
            .contact_state(contact)
            .map_err(|e| errors::to_py(py, &e, None))?;
        Ok((state.name(), agents))
    }

    /// Per queue and per agent figures for wallboards, both sorted by id.
    fn snapshot(
        &mut self,
        py: Python<'_>,
        now: f64,
    ) -> PyResult<(Vec<QueueTuple>, Vec<AgentTuple>)> {
        let inner = &mut self.inner;
        let snap = py
            .detach(|| inner.snapshot(now))
            .map_err(|e| errors::to_py(py, &e, None))?;
        let queues = snap
            .queues
            .into_iter()
            .map(|q| {
                (
                    q.queue,
                    q.waiting,
                    q.offered,
                    q.longest_wait,
                    q.logged_in,
                    q.available,
                    q.busy,
                    q.paused,
                    q.wrap_up,
                    q.aht,
                    q.estimated_wait,
                )
            })
            .collect();
        let agents = snap
            .agents
            .into_iter()
            .map(|a| {
                (
                    a.agent,
                    a.state,
                    a.reason,
                    a.load,
                    a.idle_since,
                    a.calls_taken,
                    a.talk_time,
                )
            })
            .collect();
        Ok((queues, agents))
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add(
        "STRATEGIES",
        pyo3::types::PyTuple::new(m.py(), engine::Strategy::NAMES)?,
    )?;
    m.add("RONA_REASON", engine::RONA_REASON)?;
    m.add("RATE_MEMORY", engine::RATE_MEMORY)?;
    m.add("MIN_HANDLED", engine::MIN_HANDLED)?;
    m.add("SOURCE_DIGEST", env!("VAXLA_SOURCE_DIGEST"))?;
    Ok(())
}
