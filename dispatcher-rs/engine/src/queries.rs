//! Read-side answers: positions, wait estimates, snapshots for wallboards.

use crate::engine::Engine;
use crate::error::EngineError;
use crate::matching::{meets, rules};
use crate::rates::qlm_wait;
use crate::state::{line_of, CState, Status};

/// A queue's figures: see `vaxla_dispatcher.reference.QueueRow`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub queue: u64,
    pub waiting: u64,
    pub offered: u64,
    pub longest_wait: f64,
    pub logged_in: u64,
    pub available: u64,
    pub busy: u64,
    pub paused: u64,
    pub wrap_up: u64,
    pub aht: Option<f64>,
    /// What a voice caller without skill needs joining the line now can expect to
    /// wait: see `vaxla_dispatcher.reference.QueueRow`.
    pub estimated_wait: Option<f64>,
}

/// An agent's figures: see `vaxla_dispatcher.reference.AgentRow`.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentRow {
    pub agent: u64,
    pub state: &'static str,
    pub reason: String,
    pub load: u64,
    pub idle_since: f64,
    pub calls_taken: u64,
    pub talk_time: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub queues: Vec<QueueRow>,
    pub agents: Vec<AgentRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactState {
    Waiting,
    Offered,
    Active,
}

impl ContactState {
    pub fn name(self) -> &'static str {
        match self {
            ContactState::Waiting => "waiting",
            ContactState::Offered => "offered",
            ContactState::Active => "active",
        }
    }
}

impl Engine {
    /// 1-based place of a waiting or offered contact in its line; it never grows unless
    /// the contact's priority changed or it was moved.
    pub fn position(&mut self, contact: u64) -> Result<u64, EngineError> {
        let c = self.waiting_contact(contact)?;
        let key = c.key();
        let lines = match c.target {
            None => &self.queues[&c.queue.expect("in a queue")].lines,
            Some(a) => &self.agents[&a].personal,
        };
        let line = line_of(lines, c.channel).expect("a waiting contact is in its line");
        let mut rank = line.range(..key).count() as u64 + 1;
        if let Some(last) = c.last_pos {
            rank = rank.min(last);
        }
        self.contacts.get_mut(&contact).expect("checked").last_pos = Some(rank);
        Ok(rank)
    }

    /// Seconds the contact can still expect to wait: in a service queue that has learned
    /// its rates, the QLm predictor with `position - 1` contacts ahead; otherwise
    /// `position × AHT / servers`, or the head-of-line wait when there is no AHT yet or
    /// nobody works the line.
    pub fn estimated_wait(&mut self, contact: u64, now: f64) -> Result<f64, EngineError> {
        let t = self.advance(now)?;
        self.waiting_contact(contact)?;
        let k = self.position(contact)?;
        let c = &self.contacts[&contact];
        let ch = c.channel;
        let (servers, aht, learned, lines) = match (c.queue, c.target) {
            (Some(qid), _) => {
                let q = &self.queues[&qid];
                let (reqs, max_penalty) = rules(c, q, t);
                let servers = q
                    .members
                    .iter()
                    .map(|aid| &self.agents[aid])
                    .filter(|a| a.working() && a.capacity_on(ch) > 0)
                    .filter(|a| {
                        let penalty = a.profile.member(qid).expect("member").penalty;
                        max_penalty.is_none_or(|m| penalty <= m)
                    })
                    .filter(|a| meets(a, &reqs))
                    .count() as u64;
                (servers, q.aht, q.rates.learned(), &q.lines)
            }
            (None, Some(aid)) => {
                let owner = &self.agents[&aid];
                let serves = owner.working() && owner.capacity_on(ch) > 0;
                (u64::from(serves), owner.aht, None, &owner.personal)
            }
            (None, None) => unreachable!("a contact is in a queue or a personal queue"),
        };
        match (learned, aht) {
            (Some(r), _) if servers > 0 => Ok(qlm_wait(k - 1, servers, r.service, r.abandon)),
            (_, Some(aht)) if servers > 0 => Ok(k as f64 * aht / servers as f64),
            _ => {
                let head = line_of(lines, ch).and_then(|l| l.first());
                Ok(t - head.expect("the contact itself is in its line").since.0)
            }
        }
    }

    /// The wait a voice contact without skill needs that joined the queue's line now
    /// could expect: none when nobody works the line, 0 when the line is empty and a
    /// working member has room, else QLm with the whole line ahead (once the rates are
    /// learned), `(line + 1) × AHT / servers`, or before any AHT the head-of-line wait
    /// (none with nobody in line), as `estimated_wait` says to a contact.
    fn new_caller_wait(&self, qid: u64, t: f64) -> Option<f64> {
        let q = &self.queues[&qid];
        let voice = self.channels.get("voice").copied()?;
        let line = line_of(&q.lines, voice);
        let ahead = line.map_or(0, |l| l.len() as u64);
        let mut servers = 0u64;
        let mut room = false;
        for aid in &q.members {
            let a = &self.agents[aid];
            if a.working() && a.capacity_on(voice) > 0 {
                servers += 1;
                room |= a.status == Status::Available && a.has_room(voice);
            }
        }
        match (q.rates.learned(), q.aht) {
            _ if servers == 0 => None,
            _ if ahead == 0 && room => Some(0.0),
            (Some(r), _) => Some(qlm_wait(ahead, servers, r.service, r.abandon)),
            (None, Some(aht)) => Some((ahead + 1) as f64 * aht / servers as f64),
            (None, None) => line.and_then(|l| l.first()).map(|head| t - head.since.0),
        }
    }

    /// The contact's state and the agents it is offered to (or answered by).
    pub fn contact_state(&self, contact: u64) -> Result<(ContactState, Vec<u64>), EngineError> {
        let c = self.contact(contact)?;
        Ok(match c.state {
            CState::Active => (ContactState::Active, vec![c.agent.expect("answered")]),
            state => {
                let mut agents = c.offered_to.clone();
                agents.sort_unstable();
                let s = if state == CState::Offered {
                    ContactState::Offered
                } else {
                    ContactState::Waiting
                };
                (s, agents)
            }
        })
    }

    /// Per queue and per agent figures, both sorted by id.
    pub fn snapshot(&mut self, now: f64) -> Result<Snapshot, EngineError> {
        let t = self.advance(now)?;
        let mut qids: Vec<u64> = self.queues.keys().copied().collect();
        qids.sort_unstable();
        let queues = qids
            .into_iter()
            .map(|qid| {
                let q = &self.queues[&qid];
                let mut row = QueueRow {
                    queue: qid,
                    waiting: 0,
                    offered: 0,
                    longest_wait: 0.0,
                    logged_in: 0,
                    available: 0,
                    busy: 0,
                    paused: 0,
                    wrap_up: 0,
                    aht: q.aht,
                    estimated_wait: None,
                };
                for key in q.lines.iter().flatten() {
                    if self.contacts[&key.contact].state == CState::Offered {
                        row.offered += 1;
                    } else {
                        row.waiting += 1;
                    }
                    if t - key.since.0 > row.longest_wait {
                        row.longest_wait = t - key.since.0;
                    }
                }
                for aid in &q.members {
                    let a = &self.agents[aid];
                    if a.status == Status::Offline {
                        continue;
                    }
                    row.logged_in += 1;
                    let load = a.offers.len() + a.active.len();
                    if load > 0 {
                        row.busy += 1;
                    }
                    match a.status {
                        Status::Available if load == 0 => row.available += 1,
                        Status::Paused => row.paused += 1,
                        Status::WrapUp => row.wrap_up += 1,
                        _ => {}
                    }
                }
                row.estimated_wait = self.new_caller_wait(qid, t);
                row
            })
            .collect();
        let mut aids: Vec<u64> = self.agents.keys().copied().collect();
        aids.sort_unstable();
        let agents = aids
            .into_iter()
            .map(|aid| {
                let a = &self.agents[&aid];
                let state = if a.status == Status::Offline {
                    "offline"
                } else if !a.active.is_empty() {
                    "busy"
                } else if !a.offers.is_empty() {
                    "offered"
                } else {
                    a.status.name()
                };
                AgentRow {
                    agent: aid,
                    state,
                    reason: if a.status == Status::Paused {
                        a.reason.clone()
                    } else {
                        String::new()
                    },
                    load: (a.offers.len() + a.active.len()) as u64,
                    idle_since: a.idle_since,
                    calls_taken: a.calls_taken,
                    talk_time: a.talk_time,
                }
            })
            .collect();
        Ok(Snapshot { queues, agents })
    }
}
