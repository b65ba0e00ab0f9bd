//! What the engine holds, and the checked forms of queue and agent settings.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use rustc_hash::FxHashSet;

use crate::error::{invalid, EngineError};
use crate::event::{AgentSpec, QueueSpec};
use crate::num::F64;
use crate::rates::Rates;

pub const MAX_LEVEL: i64 = 100;
pub const MAX_CAPACITY: i64 = (1 << 31) - 1;
pub const AHT_ALPHA: f64 = 0.2;
pub const PERSONAL_EXCLUSION_S: f64 = 30.0;
/// The pause reason an agent gets when an offer rings out in an `autopause` queue.
pub const RONA_REASON: &str = "no answer";

/// How a queue picks among eligible agents of the best tier (R11, R12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Sequential,
    LongestIdle,
    RoundRobin,
    FewestCalls,
    LeastTalkTime,
    Random,
    RingAll,
    Skills,
}

impl Strategy {
    pub const NAMES: [&'static str; 8] = [
        "sequential",
        "longest_idle",
        "round_robin",
        "fewest_calls",
        "least_talk_time",
        "random",
        "ring_all",
        "skills",
    ];

    pub fn parse(name: &str) -> Result<Strategy, EngineError> {
        Ok(match name {
            "sequential" => Strategy::Sequential,
            "longest_idle" => Strategy::LongestIdle,
            "round_robin" => Strategy::RoundRobin,
            "fewest_calls" => Strategy::FewestCalls,
            "least_talk_time" => Strategy::LeastTalkTime,
            "random" => Strategy::Random,
            "ring_all" => Strategy::RingAll,
            "skills" => Strategy::Skills,
            _ => {
                return Err(invalid(format!(
                    "unknown strategy '{name}'; expected one of {}",
                    Strategy::NAMES.join(", ")
                )))
            }
        })
    }
}

pub(crate) fn check_seconds(x: f64, what: &str, nonneg: bool) -> Result<f64, EngineError> {
    if !x.is_finite() || (nonneg && x < 0.0) {
        let kind = if nonneg {
            "a finite number >= 0"
        } else {
            "a finite number"
        };
        return Err(invalid(format!("{what} must be {kind}, not {x}")));
    }
    Ok(x)
}

pub(crate) fn check_range(x: i64, what: &str, top: i64) -> Result<i64, EngineError> {
    if !(0..=top).contains(&x) {
        return Err(invalid(format!(
            "{what} must be an integer from 0 to {top}, not {x}"
        )));
    }
    Ok(x)
}

/// Skill → level, checked, sorted by skill; a skill given twice keeps its last level.
pub(crate) fn check_levels(
    levels: &[(u64, i64)],
    what: &str,
) -> Result<Vec<(u64, u8)>, EngineError> {
    let mut out: Vec<(u64, u8)> = Vec::with_capacity(levels.len());
    for &(skill, level) in levels {
        let level = check_range(level, &format!("{what}: level"), MAX_LEVEL)? as u8;
        match out.iter_mut().find(|(s, _)| *s == skill) {
            Some(slot) => slot.1 = level,
            None => out.push((skill, level)),
        }
    }
    out.sort_unstable_by_key(|&(s, _)| s);
    Ok(out)
}

pub(crate) fn level_of(skills: &[(u64, u8)], skill: u64) -> u8 {
    match skills.binary_search_by_key(&skill, |&(s, _)| s) {
        Ok(i) => skills[i].1,
        Err(_) => 0,
    }
}

#[derive(Debug, Clone)]
pub(crate) struct QueueCfg {
    pub strategy: Strategy,
    pub weight: i64,
    pub requirements: Vec<(u64, u8)>,
    pub max_penalty: Option<i64>,
    /// (after_s, relax, max_penalty), strictly increasing in after_s.
    pub expansion: Vec<(f64, i64, Option<i64>)>,
    pub exclusion_s: f64,
    pub autopause: bool,
    pub wrap_up_s: f64,
}

impl QueueCfg {
    pub fn check(spec: &QueueSpec) -> Result<QueueCfg, EngineError> {
        let strategy = Strategy::parse(&spec.strategy)?;
        let requirements = check_levels(&spec.requirements, "requirements")?;
        let max_penalty = match spec.max_penalty {
            None => None,
            Some(p) => Some(check_range(p, "max_penalty", i64::MAX)?),
        };
        let mut expansion: Vec<(f64, i64, Option<i64>)> = Vec::with_capacity(spec.expansion.len());
        for step in &spec.expansion {
            let after = check_seconds(step.after_s, "expansion after_s", true)?;
            let relax = check_range(step.relax, "expansion relax", MAX_LEVEL)?;
            let cap = match step.max_penalty {
                None => None,
                Some(p) => Some(check_range(p, "max_penalty", i64::MAX)?),
            };
            if let Some(last) = expansion.last() {
                if after <= last.0 {
                    return Err(invalid(
                        "expansion steps must have strictly increasing after_s",
                    ));
                }
            }
            expansion.push((after, relax, cap));
        }
        Ok(QueueCfg {
            strategy,
            weight: spec.weight,
            requirements,
            max_penalty,
            expansion,
            exclusion_s: check_seconds(spec.exclusion_s, "exclusion_s", true)?,
            autopause: spec.autopause,
            wrap_up_s: check_seconds(spec.wrap_up_s, "wrap_up_s", true)?,
        })
    }
}

/// A contact's place in a line: higher priority, then earlier `since`, then arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct LineKey {
    pub priority: Reverse<i64>,
    pub since: F64,
    pub seq: u64,
    pub contact: u64,
}

#[derive(Clone)]
pub(crate) struct Queue {
    pub id: u64,
    pub cfg: QueueCfg,
    /// Per channel id: the contacts not yet answered, in line order.
    pub lines: Vec<BTreeSet<LineKey>>,
    pub members: FxHashSet<u64>,
    /// Per channel id: members that are available with room on that channel.
    pub free: Vec<FxHashSet<u64>>,
    /// Per channel id: the line is known to have nothing to offer before this time
    /// (see "quiet lines" in the reference's rules).
    pub quiet: Vec<f64>,
    /// Per channel id: contacts that entered or returned to the line while it was quiet.
    pub fresh: Vec<Vec<u64>>,
    /// (order, agent) last offered by round robin.
    pub rr: Option<(i64, u64)>,
    pub aht: Option<f64>,
    /// Service and abandonment rates learned for the wait estimate.
    pub rates: Rates,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Offline,
    Available,
    Paused,
    WrapUp,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Offline => "offline",
            Status::Available => "available",
            Status::Paused => "paused",
            Status::WrapUp => "wrap_up",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Member {
    pub queue: u64,
    pub penalty: i64,
    pub order: i64,
}

#[derive(Clone)]
pub(crate) struct Profile {
    pub skills: Vec<(u64, u8)>,
    pub memberships: Vec<Member>,
    /// Indexed by channel id (see `Engine::channel`); missing channels have capacity 0.
    pub capacity: Vec<u32>,
    pub personal_weight: i64,
}

impl Profile {
    pub fn member(&self, queue: u64) -> Option<&Member> {
        self.memberships.iter().find(|m| m.queue == queue)
    }
}

#[derive(Clone)]
pub(crate) struct Agent {
    pub profile: Profile,
    pub status: Status,
    pub reason: String,
    pub wrap_until: f64,
    pub idle_since: f64,
    /// Offers plus active contacts, by channel id.
    pub load: Vec<u32>,
    pub offers: Vec<u64>,
    pub active: Vec<u64>,
    pub calls_taken: u64,
    pub talk_time: f64,
    pub aht: Option<f64>,
    /// Per channel id, as a queue's lines.
    pub personal: Vec<BTreeSet<LineKey>>,
    /// Per channel id: whether the agent is in its queues' free pools.
    pub pooled: Vec<bool>,
}

impl Queue {
    pub fn quiet_until(&self, channel: u32) -> f64 {
        self.quiet
            .get(channel as usize)
            .copied()
            .unwrap_or(f64::NEG_INFINITY)
    }

    pub fn set_quiet(&mut self, channel: u32, until: f64) {
        let ch = channel as usize;
        if self.quiet.len() <= ch {
            self.quiet.resize(ch + 1, f64::NEG_INFINITY);
        }
        self.quiet[ch] = until;
    }

    /// Every contact of this channel's line must be weighed again.
    pub fn wake(&mut self, channel: u32, awake: &mut FxHashSet<(u64, u32)>) {
        if let Some(q) = self.quiet.get_mut(channel as usize) {
            *q = f64::NEG_INFINITY;
        }
        if let Some(f) = self.fresh.get_mut(channel as usize) {
            f.clear();
        }
        awake.insert((self.id, channel));
    }

    pub fn wake_all(&mut self, awake: &mut FxHashSet<(u64, u32)>) {
        self.quiet.clear();
        self.fresh.clear();
        for ch in 0..self.lines.len() as u32 {
            awake.insert((self.id, ch));
        }
    }

    /// A contact newly waiting in this channel's line must be weighed; the others are
    /// unchanged.
    pub fn freshen(&mut self, channel: u32, contact: u64, awake: &mut FxHashSet<(u64, u32)>) {
        let ch = channel as usize;
        if self.fresh.len() <= ch {
            self.fresh.resize_with(ch + 1, Vec::new);
        }
        self.fresh[ch].push(contact);
        awake.insert((self.id, channel));
    }
}

/// The line of one channel, or `None` if nothing ever waited on it.
pub(crate) fn line_of(lines: &[BTreeSet<LineKey>], channel: u32) -> Option<&BTreeSet<LineKey>> {
    lines.get(channel as usize)
}

pub(crate) fn line_of_mut(
    lines: &mut Vec<BTreeSet<LineKey>>,
    channel: u32,
) -> &mut BTreeSet<LineKey> {
    let ch = channel as usize;
    if lines.len() <= ch {
        lines.resize_with(ch + 1, BTreeSet::new);
    }
    &mut lines[ch]
}

impl Agent {
    pub fn capacity_on(&self, channel: u32) -> u32 {
        self.profile
            .capacity
            .get(channel as usize)
            .copied()
            .unwrap_or(0)
    }

    pub fn load_on(&self, channel: u32) -> u32 {
        self.load.get(channel as usize).copied().unwrap_or(0)
    }

    pub fn has_room(&self, channel: u32) -> bool {
        self.load_on(channel) < self.capacity_on(channel)
    }

    pub fn working(&self) -> bool {
        matches!(self.status, Status::Available | Status::WrapUp)
    }

    pub fn add_load(&mut self, channel: u32, delta: i32) {
        let ch = channel as usize;
        if self.load.len() <= ch {
            self.load.resize(ch + 1, 0);
        }
        self.load[ch] = self.load[ch].wrapping_add_signed(delta);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CState {
    Waiting,
    Offered,
    Active,
}

#[derive(Clone)]
pub(crate) struct Contact {
    pub id: u64,
    pub seq: u64,
    /// The service queue it waits in (or was answered from), or
    pub queue: Option<u64>,
    /// the agent whose personal queue holds it.
    pub target: Option<u64>,
    pub priority: i64,
    pub channel: u32,
    pub requirements: Vec<(u64, u8)>,
    pub since: f64,
    /// When it entered its current queue's line (moves restart it, unlike `since`).
    pub joined: f64,
    pub preferred: Option<u64>,
    pub pref_until: f64,
    pub excluded: Vec<(u64, f64)>,
    pub state: CState,
    pub offered_to: Vec<u64>,
    pub agent: Option<u64>,
    pub accepted_at: f64,
    pub last_pos: Option<u64>,
}

impl Contact {
    pub fn key(&self) -> LineKey {
        LineKey {
            priority: Reverse(self.priority),
            since: F64(self.since),
            seq: self.seq,
            contact: self.id,
        }
    }

    pub fn excluded_until(&self, agent: u64) -> Option<f64> {
        self.excluded
            .iter()
            .find(|(a, _)| *a == agent)
            .map(|&(_, t)| t)
    }

    pub fn exclude(&mut self, agent: u64, until: f64) {
        match self.excluded.iter_mut().find(|(a, _)| *a == agent) {
            Some(slot) => slot.1 = until,
            None => self.excluded.push((agent, until)),
        }
    }
}

/// Checks an agent's profile fields in order; channel names are resolved by `channel`.
pub(crate) fn check_profile(
    spec: &AgentSpec,
    mut channel: impl FnMut(&str) -> u32,
) -> Result<Profile, EngineError> {
    let skills = check_levels(&spec.skills, "skills")?;
    let mut memberships: Vec<Member> = Vec::with_capacity(spec.memberships.len());
    for m in &spec.memberships {
        if memberships.iter().any(|x| x.queue == m.queue) {
            return Err(invalid(format!(
                "queue {} is listed twice in the memberships",
                m.queue
            )));
        }
        let penalty = check_range(m.penalty, "penalty", i64::MAX)?;
        memberships.push(Member {
            queue: m.queue,
            penalty,
            order: m.order,
        });
    }
    let mut capacity: Vec<u32> = Vec::new();
    for (name, n) in &spec.capacity {
        let n = check_range(*n, &format!("capacity of '{name}'"), MAX_CAPACITY)? as u32;
        let ch = channel(name) as usize;
        if capacity.len() <= ch {
            capacity.resize(ch + 1, 0);
        }
        capacity[ch] = n;
    }
    Ok(Profile {
        skills,
        memberships,
        capacity,
        personal_weight: spec.personal_weight,
    })
}
