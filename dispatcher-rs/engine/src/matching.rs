//! `assign`: who gets what now.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Bound::{Excluded, Unbounded};

use rustc_hash::FxHashMap;

use crate::engine::Engine;
use crate::error::EngineError;
use crate::num::F64;
use crate::state::{level_of, line_of, Agent, CState, Contact, LineKey, Queue, Strategy};

/// Where a line of waiting contacts lives: a queue's or an agent's, and its channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Line {
    Queue(u64, u32),
    Personal(u64, u32),
    /// One fresh contact of a quiet queue line (the cursor does not advance).
    Fresh(u64, u32),
}

/// A cursor into a line, ordered by the global order (-weight, line key).
type Cursor = Reverse<(Reverse<i64>, LineKey, Line)>;

/// Buffers the matching loop reuses from one contact to the next.
#[derive(Default)]
struct Scratch {
    /// The contact's requirements now.
    reqs: Vec<(u64, u8)>,
    /// Eligible agents, then the chosen one(s).
    cands: Vec<u64>,
}

/// The contact's skill requirements (relaxed, sorted by skill) and penalty limit now.
pub(crate) fn rules(c: &Contact, q: &Queue, now: f64) -> (Vec<(u64, u8)>, Option<i64>) {
    let mut reqs = Vec::new();
    let max_penalty = rules_into(c, q, now, &mut reqs);
    (reqs, max_penalty)
}

/// `rules`, writing the requirements into `reqs`.
fn rules_into(c: &Contact, q: &Queue, now: f64, reqs: &mut Vec<(u64, u8)>) -> Option<i64> {
    reqs.clear();
    let cfg = &q.cfg;
    let (mut relax, mut max_penalty) = (0i64, cfg.max_penalty);
    let waited = now - c.since;
    for &(after, step_relax, step_cap) in &cfg.expansion {
        if after > waited {
            break;
        }
        relax = step_relax;
        if step_cap.is_some() {
            max_penalty = step_cap;
        }
    }
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
    max_penalty
}

/// A time before which nothing time-driven can make `c` offerable: its next expansion
/// step (a little early, clear of rounding), the end of an exclusion or of a sticky
/// reservation.
fn next_change(c: &Contact, q: &Queue, now: f64) -> f64 {
    let mut soon = f64::INFINITY;
    let waited = now - c.since;
    if let Some(&(after, _, _)) = q.cfg.expansion.iter().find(|s| s.0 > waited) {
        let at = c.since + after;
        soon = at - (1e-6 + at.abs() * 1e-12);
    }
    for &(_, until) in &c.excluded {
        if now < until && until < soon {
            soon = until;
        }
    }
    if c.preferred.is_some() && now < c.pref_until && c.pref_until < soon {
        soon = c.pref_until;
    }
    soon
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

    /// Eligible free agents of the lowest penalty tier present (into `s.cands`), and
    /// the contact's requirements now (into `s.reqs`).
    fn candidates(&self, c: &Contact, q: &Queue, now: f64, s: &mut Scratch) {
        let max_penalty = rules_into(c, q, now, &mut s.reqs);
        let (reqs, best) = (&s.reqs, &mut s.cands);
        best.clear();
        let mut best_penalty = i64::MAX;
        let mut consider = |aid: u64| {
            let agent = &self.agents[&aid];
            if !agent.has_room(c.channel) {
                return;
            }
            let penalty = agent
                .profile
                .member(q.id)
                .expect("free members are members")
                .penalty;
            if (!best.is_empty() && penalty > best_penalty)
                || max_penalty.is_some_and(|m| penalty > m)
            {
                return;
            }
            if c.excluded_until(aid).is_some_and(|until| until > now) {
                return;
            }
            if !meets(agent, reqs) {
                return;
            }
            if best.is_empty() || penalty < best_penalty {
                best_penalty = penalty;
                best.clear();
            }
            best.push(aid);
        };
        let Some(free) = q.free.get(c.channel as usize) else {
            return;
        };
        match self.sticky(c, q, now) {
            Some(p) => {
                if free.contains(&p) {
                    consider(p);
                }
            }
            None => free.iter().for_each(|&aid| consider(aid)),
        }
    }

    /// Leaves in `s.cands` the agent(s) the queue's strategy picks among them.
    fn pick(&mut self, qid: u64, s: &mut Scratch) {
        let (reqs, cands) = (&s.reqs, &mut s.cands);
        let q = &self.queues[&qid];
        let agents = &self.agents;
        let order = |aid: &u64| agents[aid].profile.member(qid).expect("member").order;
        let idle = |aid: &u64| crate::num::F64(agents[aid].idle_since);
        let chosen = match q.cfg.strategy {
            Strategy::RingAll => {
                cands.sort_unstable();
                return;
            }
            Strategy::Random => {
                cands.sort_unstable();
                let i = (self.rng.next_u64() % cands.len() as u64) as usize;
                cands[i]
            }
            Strategy::Sequential => *cands
                .iter()
                .min_by_key(|a| (order(a), **a))
                .expect("non-empty"),
            Strategy::LongestIdle => *cands
                .iter()
                .min_by_key(|a| (idle(a), **a))
                .expect("non-empty"),
            Strategy::FewestCalls => *cands
                .iter()
                .min_by_key(|a| (agents[*a].calls_taken, idle(a), **a))
                .expect("non-empty"),
            Strategy::LeastTalkTime => *cands
                .iter()
                .min_by_key(|a| (crate::num::F64(agents[*a].talk_time), idle(a), **a))
                .expect("non-empty"),
            Strategy::RoundRobin => {
                // the first member after the last one offered, wrapping around
                let keyed = || cands.iter().map(|a| (order(a), *a));
                let after = q.rr.and_then(|last| keyed().filter(|k| *k > last).min());
                let chosen = after.or_else(|| keyed().min()).expect("non-empty");
                self.queues.get_mut(&qid).expect("exists").rr = Some(chosen);
                chosen.1
            }
            Strategy::Skills => *cands
                .iter()
                .min_by_key(|a| {
                    let score: i64 = reqs
                        .iter()
                        .map(|&(s, _)| i64::from(level_of(&agents[*a].profile.skills, s)))
                        .sum();
                    (Reverse(score), idle(a), **a)
                })
                .expect("non-empty"),
        };
        cands.clear();
        cands.push(chosen);
    }

    fn cursor(&self, line: Line, key: LineKey) -> Cursor {
        let weight = match line {
            Line::Queue(q, _) | Line::Fresh(q, _) => self.queues[&q].cfg.weight,
            Line::Personal(a, _) => self.agents[&a].profile.personal_weight,
        };
        Reverse((Reverse(weight), key, line))
    }

    /// Cursors on the awake lines that free agents can serve, and on free agents'
    /// personal lines. Wakes quiet lines whose time has come; forgets lines with no
    /// contact or no free agent (they are woken again when that changes).
    fn seed(
        &mut self,
        heap: &mut BinaryHeap<Cursor>,
        scans: &mut FxHashMap<(u64, u32), f64>,
        t: f64,
    ) {
        while let Some(&Reverse((F64(until), qid, ch))) = self.quiet_timers.peek() {
            if until > t {
                break;
            }
            self.quiet_timers.pop();
            if let Some(q) = self.queues.get_mut(&qid) {
                if q.quiet_until(ch) == until {
                    q.wake(ch, &mut self.awake);
                }
            }
        }
        let (queues, contacts) = (&mut self.queues, &self.contacts);
        let mut cursors: Vec<(Line, LineKey)> = Vec::new();
        self.awake.retain(|&(qid, ch)| {
            let Some(q) = queues.get_mut(&qid) else {
                return false;
            };
            let first = line_of(&q.lines, ch).and_then(|l| l.first());
            let pooled = q.free.get(ch as usize).is_some_and(|p| !p.is_empty());
            let Some(&first) = first.filter(|_| pooled) else {
                return false;
            };
            let fresh = q
                .fresh
                .get_mut(ch as usize)
                .map(std::mem::take)
                .unwrap_or_default();
            if q.quiet_until(ch) <= t {
                cursors.push((Line::Queue(qid, ch), first));
                return true;
            }
            // quiet: only its fresh contacts can have changed
            for cid in fresh {
                if let Some(c) = contacts.get(&cid) {
                    let here = c.queue == Some(qid) && c.channel == ch;
                    if here && c.state == CState::Waiting {
                        cursors.push((Line::Fresh(qid, ch), c.key()));
                    }
                }
            }
            false
        });
        cursors.sort_unstable();
        cursors.dedup();
        let agents = &self.agents;
        let free = &self.free;
        self.personal_holders.retain(|aid| {
            let Some(agent) = agents.get(aid) else {
                return false;
            };
            if agent.personal.iter().all(|l| l.is_empty()) {
                return false;
            }
            if free.contains(aid) {
                for (ch, line) in agent.personal.iter().enumerate() {
                    if let Some(&first) = line.first() {
                        if agent.has_room(ch as u32) {
                            cursors.push((Line::Personal(*aid, ch as u32), first));
                        }
                    }
                }
            }
            true
        });
        for (line, first) in cursors {
            if let Line::Queue(qid, ch) = line {
                scans.insert((qid, ch), f64::INFINITY);
            }
            heap.push(self.cursor(line, first));
        }
    }

    /// Offers to make now, as (contact, agent) pairs in the order they were chosen.
    pub fn assign(&mut self, now: f64) -> Result<Vec<(u64, u64)>, EngineError> {
        let t = self.advance(now)?;
        let mut offers: Vec<(u64, u64)> = Vec::new();
        if self.free.is_empty() {
            return Ok(offers);
        }
        let mut heap: BinaryHeap<Cursor> = BinaryHeap::new();
        let mut s = Scratch::default();
        // per queue line being scanned: the earliest time a skipped contact may change
        let mut scans: FxHashMap<(u64, u32), f64> = FxHashMap::default();
        self.seed(&mut heap, &mut scans, t);
        while !self.free.is_empty() {
            let Some(Reverse((weight, key, line))) = heap.pop() else {
                break;
            };
            let entries = match line {
                Line::Fresh(qid, ch) => {
                    self.weigh_fresh(qid, ch, key.contact, t, &mut s, &mut offers);
                    continue;
                }
                Line::Queue(q, ch) => {
                    let q = &self.queues[&q];
                    if q.free.get(ch as usize).is_none_or(|pool| pool.is_empty()) {
                        continue;
                    }
                    &q.lines[ch as usize]
                }
                Line::Personal(a, ch) => {
                    let owner = &self.agents[&a];
                    if !self.free.contains(&a) || !owner.has_room(ch) {
                        continue;
                    }
                    &owner.personal[ch as usize]
                }
            };
            let next = entries.range((Excluded(key), Unbounded)).next().copied();
            if let Some(next) = next {
                heap.push(Reverse((weight, next, line)));
            }
            let c = &self.contacts[&key.contact];
            let waiting = c.state == CState::Waiting;
            match line {
                Line::Queue(qid, ch) => {
                    let q = &self.queues[&qid];
                    s.cands.clear();
                    if waiting {
                        self.candidates(c, q, t, &mut s);
                    }
                    let scan = scans.get_mut(&(qid, ch)).expect("seeded");
                    if waiting && s.cands.is_empty() {
                        *scan = scan.min(next_change(c, q, t));
                    }
                    if next.is_none() {
                        let until = *scan;
                        self.queues
                            .get_mut(&qid)
                            .expect("exists")
                            .set_quiet(ch, until);
                        self.awake.remove(&(qid, ch));
                        if until < f64::INFINITY {
                            self.quiet_timers.push(Reverse((F64(until), qid, ch)));
                        }
                    }
                    if s.cands.is_empty() {
                        continue;
                    }
                    self.pick(qid, &mut s);
                }
                Line::Personal(aid, _) => {
                    if !waiting || c.excluded_until(aid).is_some_and(|u| u > t) {
                        continue;
                    }
                    s.cands.clear();
                    s.cands.push(aid);
                }
                Line::Fresh(..) => unreachable!("handled above"),
            }
            for &aid in &s.cands {
                self.offer(key.contact, aid);
                offers.push((key.contact, aid));
            }
        }
        for Reverse((_, key, line)) in heap {
            if let Line::Fresh(qid, ch) = line {
                // not weighed before the free agents ran out: still fresh
                let q = self.queues.get_mut(&qid).expect("exists");
                q.freshen(ch, key.contact, &mut self.awake);
            }
        }
        Ok(offers)
    }

    /// Offers a fresh contact of a quiet line, or folds it into the line's quiet.
    fn weigh_fresh(
        &mut self,
        qid: u64,
        ch: u32,
        cid: u64,
        t: f64,
        s: &mut Scratch,
        offers: &mut Vec<(u64, u64)>,
    ) {
        let q = &self.queues[&qid];
        if q.free.get(ch as usize).is_none_or(|p| p.is_empty()) {
            let q = self.queues.get_mut(&qid).expect("exists");
            q.freshen(ch, cid, &mut self.awake);
            return;
        }
        let c = &self.contacts[&cid];
        self.candidates(c, q, t, s);
        if s.cands.is_empty() {
            let soon = next_change(c, q, t);
            if soon < q.quiet_until(ch) {
                self.queues
                    .get_mut(&qid)
                    .expect("exists")
                    .set_quiet(ch, soon);
                self.quiet_timers.push(Reverse((F64(soon), qid, ch)));
            }
            return;
        }
        self.pick(qid, s);
        for &aid in &s.cands {
            self.offer(cid, aid);
            offers.push((cid, aid));
        }
    }
}
