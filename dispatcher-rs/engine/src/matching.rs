//! `assign`: who gets what now.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Bound::{Excluded, Unbounded};

use rustc_hash::FxHashSet;

use crate::engine::Engine;
use crate::error::EngineError;
use crate::state::{level_of, Agent, CState, Contact, LineKey, Queue, Strategy};

/// Where a line of waiting contacts lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Line {
    Queue(u64),
    Personal(u64),
}

/// A cursor into a line, ordered by the global order (-weight, line key).
type Cursor = Reverse<(Reverse<i64>, LineKey, Line)>;

/// The contact's skill requirements (relaxed, sorted by skill) and penalty limit now.
pub(crate) fn rules(c: &Contact, q: &Queue, now: f64) -> (Vec<(u64, u8)>, Option<i64>) {
    let cfg = &q.cfg;
    let (mut relax, mut max_penalty) = (0i64, cfg.max_penalty);
    let waited = now - c.since;
    for &(after, step_relax, step_cap) in &cfg.expansion {
        if after > waited {
            break;
        }
        relax = step_relax;
        max_penalty = step_cap;
    }
    let mut reqs: Vec<(u64, u8)> = Vec::with_capacity(cfg.requirements.len() + c.requirements.len());
    let (a, b) = (&cfg.requirements, &c.requirements);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let (skill, level) = if j == b.len() || (i < a.len() && a[i].0 < b[j].0) {
            i += 1;
            a[i - 1]
        } else if i == a.len() || b[j].0 < a[i].0 {
            j += 1;
            b[j - 1]
        } else {
            i += 1;
            j += 1;
            (a[i - 1].0, a[i - 1].1.max(b[j - 1].1))
        };
        let relaxed = i64::from(level) - relax;
        if relaxed > 0 {
            reqs.push((skill, relaxed as u8));
        }
    }
    (reqs, max_penalty)
}

pub(crate) fn meets(agent: &Agent, reqs: &[(u64, u8)]) -> bool {
    reqs.iter()
        .all(|&(s, lvl)| level_of(&agent.profile.skills, s) >= lvl)
}

impl Engine {
    fn sticky(&self, c: &Contact, q: &Queue, now: f64) -> Option<u64> {
        let p = c.preferred?;
        if now >= c.pref_until {
            return None;
        }
        let agent = self.agents.get(&p)?;
        if agent.status == crate::state::Status::Offline || !q.members.contains(&p) {
            return None;
        }
        Some(p)
    }

    /// Eligible free agents of the lowest penalty tier present, and the contact's
    /// requirements now.
    fn candidates(&self, c: &Contact, q: &Queue, now: f64) -> (Vec<u64>, Vec<(u64, u8)>) {
        let (reqs, max_penalty) = rules(c, q, now);
        let mut best: Vec<u64> = Vec::new();
        let mut best_penalty = i64::MAX;
        let mut consider = |aid: u64| {
            let agent = &self.agents[&aid];
            if !agent.has_room(c.channel) {
                return;
            }
            let penalty = agent.profile.member(q.id).expect("free members are members").penalty;
            if (!best.is_empty() && penalty > best_penalty)
                || max_penalty.is_some_and(|m| penalty > m)
            {
                return;
            }
            if c.excluded_until(aid).is_some_and(|until| until > now) {
                return;
            }
            if !meets(agent, &reqs) {
                return;
            }
            if best.is_empty() || penalty < best_penalty {
                best_penalty = penalty;
                best.clear();
            }
            best.push(aid);
        };
        match self.sticky(c, q, now) {
            Some(p) => {
                if q.free.contains(&p) {
                    consider(p);
                }
            }
            None => q.free.iter().for_each(|&aid| consider(aid)),
        }
        (best, reqs)
    }

    fn pick(&mut self, qid: u64, reqs: &[(u64, u8)], mut cands: Vec<u64>) -> Vec<u64> {
        let q = &self.queues[&qid];
        let agents = &self.agents;
        let order = |aid: &u64| agents[aid].profile.member(qid).expect("member").order;
        let idle = |aid: &u64| crate::num::F64(agents[aid].idle_since);
        let chosen = match q.cfg.strategy {
            Strategy::RingAll => {
                cands.sort_unstable();
                return cands;
            }
            Strategy::Random => {
                cands.sort_unstable();
                let i = (self.rng.next_u64() % cands.len() as u64) as usize;
                cands[i]
            }
            Strategy::Sequential => *cands.iter().min_by_key(|a| (order(a), **a)).expect("non-empty"),
            Strategy::LongestIdle => *cands.iter().min_by_key(|a| (idle(a), **a)).expect("non-empty"),
            Strategy::FewestCalls => *cands
                .iter()
                .min_by_key(|a| (agents[*a].calls_taken, idle(a), **a))
                .expect("non-empty"),
            Strategy::LeastTalkTime => *cands
                .iter()
                .min_by_key(|a| (crate::num::F64(agents[*a].talk_time), idle(a), **a))
                .expect("non-empty"),
            Strategy::RoundRobin => {
                let mut keyed: Vec<(i64, u64)> = cands.iter().map(|a| (order(a), *a)).collect();
                keyed.sort_unstable();
                let chosen = match q.rr {
                    Some(last) => keyed.iter().find(|k| **k > last).copied().unwrap_or(keyed[0]),
                    None => keyed[0],
                };
                self.queues.get_mut(&qid).expect("exists").rr = Some(chosen);
                chosen.1
            }
            Strategy::Skills => {
                *cands
                    .iter()
                    .min_by_key(|a| {
                        let score: i64 = reqs
                            .iter()
                            .map(|&(s, _)| i64::from(level_of(&agents[*a].profile.skills, s)))
                            .sum();
                        (Reverse(score), idle(a), **a)
                    })
                    .expect("non-empty")
            }
        };
        vec![chosen]
    }

    fn cursor(&self, line: Line, key: LineKey) -> Cursor {
        let weight = match line {
            Line::Queue(q) => self.queues[&q].cfg.weight,
            Line::Personal(a) => self.agents[&a].profile.personal_weight,
        };
        Reverse((Reverse(weight), key, line))
    }

    /// Offers to make now, as (contact, agent) pairs in the order they were chosen.
    pub fn assign(&mut self, now: f64) -> Result<Vec<(u64, u64)>, EngineError> {
        let t = self.advance(now)?;
        let mut offers: Vec<(u64, u64)> = Vec::new();
        if self.free.is_empty() {
            return Ok(offers);
        }
        let mut heap: BinaryHeap<Cursor> = BinaryHeap::new();
        let mut seen: FxHashSet<u64> = FxHashSet::default();
        for &aid in &self.free {
            let agent = &self.agents[&aid];
            for m in &agent.profile.memberships {
                if seen.insert(m.queue) {
                    if let Some(&first) = self.queues[&m.queue].waiting.first() {
                        heap.push(self.cursor(Line::Queue(m.queue), first));
                    }
                }
            }
            if let Some(&first) = agent.personal.first() {
                heap.push(self.cursor(Line::Personal(aid), first));
            }
        }
        while !self.free.is_empty() {
            let Some(Reverse((weight, key, line))) = heap.pop() else {
                break;
            };
            let entries = match line {
                Line::Queue(q) => {
                    let q = &self.queues[&q];
                    if q.free.is_empty() {
                        continue;
                    }
                    &q.waiting
                }
                Line::Personal(a) => {
                    if !self.free.contains(&a) {
                        continue;
                    }
                    &self.agents[&a].personal
                }
            };
            if let Some(&next) = entries.range((Excluded(key), Unbounded)).next() {
                heap.push(Reverse((weight, next, line)));
            }
            let c = &self.contacts[&key.contact];
            if c.state != CState::Waiting {
                continue;
            }
            let chosen = match line {
                Line::Queue(qid) => {
                    let (cands, reqs) = self.candidates(c, &self.queues[&qid], t);
                    if cands.is_empty() {
                        continue;
                    }
                    self.pick(qid, &reqs, cands)
                }
                Line::Personal(aid) => {
                    let owner = &self.agents[&aid];
                    if !owner.has_room(c.channel) || c.excluded_until(aid).is_some_and(|u| u > t) {
                        continue;
                    }
                    vec![aid]
                }
            };
            for aid in chosen {
                self.offer(key.contact, aid);
                offers.push((key.contact, aid));
            }
        }
        Ok(offers)
    }
}
