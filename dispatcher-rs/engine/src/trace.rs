//! A recorded trace of event batches and the offers that followed each, in the text
//! format `vaxla_dispatcher.trace` writes. The criterion bench replays it to measure
//! the engine alone, and tests replay it to check the engine against the offers the
//! Python side recorded.
//!
//! ```text
//! vaxla-trace 1
//! B <now> <events>          a batch applied at <now>, then assign(<now>)
//! <tag> <fields...>         one line per event (tags as in vaxla_dispatcher.events)
//! O <n> <c1> <a1> ...       the offers assign returned
//! ```
//! `-` stands for None and for an empty string; floats are written by Python's `repr`.

use crate::engine::Engine;
use crate::event::{AgentSpec, ContactSpec, Event, MembershipSpec, QueueSpec, StepSpec};

#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub now: f64,
    pub events: Vec<Event>,
    pub offers: Vec<(u64, u64)>,
}

/// Parses a whole trace; the error names the line.
pub fn parse(text: &str) -> Result<Vec<Batch>, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "vaxla-trace 1")) => {}
        _ => return Err("line 1: not a vaxla trace (expected 'vaxla-trace 1')".to_owned()),
    }
    let mut batches = Vec::new();
    while let Some((n, line)) = lines.next() {
        let at = |e: String| format!("line {}: {e}", n + 1);
        let mut f = Fields(line.split_ascii_whitespace());
        if f.word().map_err(at)? != "B" {
            return Err(at("expected a batch line 'B <now> <events>'".to_owned()));
        }
        let now = f.float().map_err(at)?;
        let count = f.uint().map_err(at)? as usize;
        let mut events = Vec::with_capacity(count);
        for _ in 0..count {
            let (n, line) = lines.next().ok_or("the trace ends inside a batch")?;
            let event = Fields(line.split_ascii_whitespace())
                .event()
                .map_err(|e| format!("line {}: {e}", n + 1))?;
            events.push(event);
        }
        let (n, line) = lines
            .next()
            .ok_or("the trace ends before a batch's offers")?;
        let at = |e: String| format!("line {}: {e}", n + 1);
        let mut f = Fields(line.split_ascii_whitespace());
        if f.word().map_err(at)? != "O" {
            return Err(at("expected an offers line 'O <n> ...'".to_owned()));
        }
        let k = f.uint().map_err(at)? as usize;
        let mut offers = Vec::with_capacity(k);
        for _ in 0..k {
            offers.push((f.uint().map_err(at)?, f.uint().map_err(at)?));
        }
        batches.push(Batch {
            now,
            events,
            offers,
        });
    }
    Ok(batches)
}

/// Applies every batch and assigns after it; returns the number of events applied, or
/// where the engine's offers first differ from the recorded ones.
pub fn replay(engine: &mut Engine, batches: &[Batch], check: bool) -> Result<usize, String> {
    let mut events = 0;
    for (i, batch) in batches.iter().enumerate() {
        engine
            .apply(&batch.events, batch.now)
            .map_err(|e| format!("batch {i}: {e}"))?;
        let offers = engine
            .assign(batch.now)
            .map_err(|e| format!("batch {i}: {e}"))?;
        if check && offers != batch.offers {
            return Err(format!(
                "batch {i} at {}: offers {offers:?}, recorded {:?}",
                batch.now, batch.offers
            ));
        }
        events += batch.events.len();
    }
    Ok(events)
}

struct Fields<'a>(std::str::SplitAsciiWhitespace<'a>);

impl Fields<'_> {
    fn word(&mut self) -> Result<&str, String> {
        self.0
            .next()
            .ok_or_else(|| "the line ends too early".to_owned())
    }

    fn uint(&mut self) -> Result<u64, String> {
        let w = self.word()?;
        w.parse().map_err(|_| format!("'{w}' is not an id"))
    }

    fn int(&mut self) -> Result<i64, String> {
        let w = self.word()?;
        w.parse().map_err(|_| format!("'{w}' is not an integer"))
    }

    fn float(&mut self) -> Result<f64, String> {
        let w = self.word()?;
        w.parse().map_err(|_| format!("'{w}' is not a number"))
    }

    fn text(&mut self) -> Result<String, String> {
        Ok(match self.word()? {
            "-" => String::new(),
            w => w.to_owned(),
        })
    }

    fn opt_uint(&mut self) -> Result<Option<u64>, String> {
        match self.word()? {
            "-" => Ok(None),
            w => w
                .parse()
                .map(Some)
                .map_err(|_| format!("'{w}' is not an id")),
        }
    }

    fn opt_int(&mut self) -> Result<Option<i64>, String> {
        match self.word()? {
            "-" => Ok(None),
            w => w
                .parse()
                .map(Some)
                .map_err(|_| format!("'{w}' is not an integer")),
        }
    }

    fn levels(&mut self) -> Result<Vec<(u64, i64)>, String> {
        let n = self.uint()?;
        (0..n).map(|_| Ok((self.uint()?, self.int()?))).collect()
    }

    fn queue(&mut self) -> Result<QueueSpec, String> {
        let queue = self.uint()?;
        let strategy = self.text()?;
        let weight = self.int()?;
        let requirements = self.levels()?;
        let max_penalty = self.opt_int()?;
        let steps = self.uint()?;
        let expansion = (0..steps)
            .map(|_| {
                Ok(StepSpec {
                    after_s: self.float()?,
                    relax: self.int()?,
                    max_penalty: self.opt_int()?,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(QueueSpec {
            queue,
            strategy,
            weight,
            requirements,
            max_penalty,
            expansion,
            exclusion_s: self.float()?,
            autopause: self.uint()? != 0,
            wrap_up_s: self.float()?,
        })
    }

    fn agent(&mut self) -> Result<AgentSpec, String> {
        let agent = self.uint()?;
        let skills = self.levels()?;
        let n = self.uint()?;
        let memberships = (0..n)
            .map(|_| {
                Ok(MembershipSpec {
                    queue: self.uint()?,
                    penalty: self.int()?,
                    order: self.int()?,
                })
            })
            .collect::<Result<_, String>>()?;
        let n = self.uint()?;
        let capacity = (0..n)
            .map(|_| Ok((self.text()?, self.int()?)))
            .collect::<Result<_, String>>()?;
        Ok(AgentSpec {
            agent,
            skills,
            memberships,
            capacity,
            personal_weight: self.int()?,
        })
    }

    fn event(&mut self) -> Result<Event, String> {
        let tag = self.uint()?;
        Ok(match tag {
            1 => Event::AddQueue(self.queue()?),
            2 => Event::UpdateQueue(self.queue()?),
            3 => Event::RemoveQueue {
                queue: self.uint()?,
            },
            4 => Event::AddAgent(self.agent()?),
            5 => Event::UpdateAgent(self.agent()?),
            6 => Event::RemoveAgent {
                agent: self.uint()?,
            },
            7 => Event::SetAgentState {
                agent: self.uint()?,
                state: self.text()?,
                reason: self.text()?,
            },
            8 => Event::AddContact(ContactSpec {
                contact: self.uint()?,
                queue: self.uint()?,
                priority: self.int()?,
                channel: self.text()?,
                requirements: self.levels()?,
                waited_s: self.float()?,
                preferred_agent: self.opt_uint()?,
                preferred_until: self.float()?,
            }),
            9 => Event::RemoveContact {
                contact: self.uint()?,
            },
            10 => Event::MoveContact {
                contact: self.uint()?,
                queue: self.opt_uint()?,
                agent: self.opt_uint()?,
            },
            11 => Event::SetPriority {
                contact: self.uint()?,
                priority: self.int()?,
            },
            12 => Event::Accept {
                contact: self.uint()?,
                agent: self.uint()?,
            },
            13 => Event::Decline {
                contact: self.uint()?,
                agent: self.uint()?,
            },
            14 => Event::Timeout {
                contact: self.uint()?,
                agent: self.uint()?,
            },
            15 => Event::EndContact {
                contact: self.uint()?,
            },
            _ => return Err(format!("unknown event tag {tag}")),
        })
    }
}
