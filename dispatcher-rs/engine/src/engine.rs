//! The engine's state and the events that change it.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{invalid, BatchError, EngineError};
use crate::event::{AgentSpec, ContactSpec, Event, QueueSpec};
use crate::num::{SplitMix64, F64};
use crate::rates::Rates;
use crate::state::{
    check_levels, check_profile, check_seconds, line_of_mut, Agent, CState, Contact, LineKey,
    Member, Queue, QueueCfg, Status, AHT_ALPHA, PERSONAL_EXCLUSION_S, RONA_REASON,
};

/// The dispatcher. See `vaxla_dispatcher.reference` for the rules it implements.
#[derive(Clone)]
pub struct Engine {
    pub(crate) queues: FxHashMap<u64, Queue>,
    pub(crate) agents: FxHashMap<u64, Agent>,
    pub(crate) contacts: FxHashMap<u64, Contact>,
    /// Agents that are available with spare capacity on some channel.
    pub(crate) free: FxHashSet<u64>,
    wrap_timers: BinaryHeap<Reverse<(F64, u64)>>,
    /// Queue lines that may have something to offer (see "quiet lines").
    pub(crate) awake: FxHashSet<(u64, u32)>,
    /// (until, queue, channel) of quiet lines, to wake them when their time comes.
    pub(crate) quiet_timers: BinaryHeap<Reverse<(F64, u64, u32)>>,
    /// Agents whose personal queue may hold contacts.
    pub(crate) personal_holders: FxHashSet<u64>,
    pub(crate) channels: FxHashMap<String, u32>,
    now: f64,
    seq: u64,
    pub(crate) rng: SplitMix64,
}

impl Engine {
    pub fn new(seed: u64) -> Engine {
        Engine {
            queues: FxHashMap::default(),
            agents: FxHashMap::default(),
            contacts: FxHashMap::default(),
            free: FxHashSet::default(),
            wrap_timers: BinaryHeap::new(),
            awake: FxHashSet::default(),
            quiet_timers: BinaryHeap::new(),
            personal_holders: FxHashSet::default(),
            channels: FxHashMap::default(),
            now: f64::NEG_INFINITY,
            seq: 0,
            rng: SplitMix64::new(seed),
        }
    }

    /// How many contacts the engine holds (waiting, offered or answered).
    pub fn contact_count(&self) -> usize {
        self.contacts.len()
    }

    pub(crate) fn channel(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.channels.get(name) {
            return id;
        }
        let id = self.channels.len() as u32;
        self.channels.insert(name.to_owned(), id);
        id
    }

    /// Moves time to `now` (which must not run backwards) and ends due wrap-ups.
    pub(crate) fn advance(&mut self, now: f64) -> Result<f64, EngineError> {
        let t = check_seconds(now, "now", false)?;
        if t < self.now {
            return Err(invalid(format!(
                "now ({t}) is earlier than a time already seen ({})",
                self.now
            )));
        }
        self.now = t;
        while let Some(&Reverse((F64(until), aid))) = self.wrap_timers.peek() {
            if until > t {
                break;
            }
            self.wrap_timers.pop();
            if let Some(agent) = self.agents.get_mut(&aid) {
                if agent.status == Status::WrapUp && agent.wrap_until == until {
                    agent.status = Status::Available;
                    agent.idle_since = until;
                    self.refresh_free(aid);
                }
            }
        }
        Ok(t)
    }

    /// Applies a batch of events at `now`, in order, stopping at the first bad one.
    pub fn apply(&mut self, events: &[Event], now: f64) -> Result<(), BatchError> {
        let t = self
            .advance(now)
            .map_err(|error| BatchError { index: None, error })?;
        for (i, ev) in events.iter().enumerate() {
            self.apply_one(ev, t).map_err(|error| BatchError {
                index: Some(i),
                error,
            })?;
        }
        Ok(())
    }

    fn apply_one(&mut self, ev: &Event, now: f64) -> Result<(), EngineError> {
        match ev {
            Event::AddQueue(spec) => self.add_queue(spec),
            Event::UpdateQueue(spec) => self.update_queue(spec),
            Event::RemoveQueue { queue } => self.remove_queue(*queue),
            Event::AddAgent(spec) => self.add_agent(spec, now),
            Event::UpdateAgent(spec) => self.update_agent(spec),
            Event::RemoveAgent { agent } => self.remove_agent(*agent),
            Event::SetAgentState {
                agent,
                state,
                reason,
            } => self.set_agent_state(*agent, state, reason, now),
            Event::AddContact(spec) => self.add_contact(spec, now),
            Event::RemoveContact { contact } => self.remove_contact(*contact, now),
            Event::MoveContact {
                contact,
                queue,
                agent,
            } => self.move_contact(*contact, *queue, *agent, now),
            Event::SetPriority { contact, priority } => self.set_priority(*contact, *priority),
            Event::Accept { contact, agent } => self.accept(*contact, *agent, now),
            Event::Decline { contact, agent } => self.decline(*contact, *agent, now),
            Event::Timeout { contact, agent } => self.timeout(*contact, *agent, now),
            Event::EndContact { contact } => self.end_contact(*contact, now),
        }
    }

    fn add_queue(&mut self, spec: &QueueSpec) -> Result<(), EngineError> {
        let cfg = QueueCfg::check(spec)?;
        if self.queues.contains_key(&spec.queue) {
            return Err(EngineError::DuplicateId("queue", spec.queue));
        }
        self.queues.insert(
            spec.queue,
            Queue {
                id: spec.queue,
                cfg,
                lines: Vec::new(),
                members: FxHashSet::default(),
                free: Vec::new(),
                quiet: Vec::new(),
                fresh: Vec::new(),
                rr: None,
                aht: None,
                rates: Rates::default(),
            },
        );
        Ok(())
    }

    fn update_queue(&mut self, spec: &QueueSpec) -> Result<(), EngineError> {
        let cfg = QueueCfg::check(spec)?;
        let q = self
            .queues
            .get_mut(&spec.queue)
            .ok_or(EngineError::UnknownQueue(spec.queue))?;
        q.cfg = cfg;
        q.wake_all(&mut self.awake);
        Ok(())
    }

    fn remove_queue(&mut self, qid: u64) -> Result<(), EngineError> {
        let q = self.queue(qid)?;
        let waiting: usize = q.lines.iter().map(BTreeSet::len).sum();
        if waiting > 0 {
            return Err(EngineError::InvalidState(format!(
                "queue {qid} still has {waiting} contacts waiting"
            )));
        }
        let q = self.queues.remove(&qid).expect("checked above");
        for aid in q.members {
            let agent = self.agents.get_mut(&aid).expect("members are agents");
            agent.profile.memberships.retain(|m| m.queue != qid);
        }
        Ok(())
    }

    fn add_agent(&mut self, spec: &AgentSpec, now: f64) -> Result<(), EngineError> {
        let profile = check_profile(spec, |name| self.channel(name))?;
        if self.agents.contains_key(&spec.agent) {
            return Err(EngineError::DuplicateId("agent", spec.agent));
        }
        for m in &profile.memberships {
            self.queue(m.queue)?;
        }
        for m in &profile.memberships {
            self.queues
                .get_mut(&m.queue)
                .expect("checked")
                .members
                .insert(spec.agent);
        }
        self.agents.insert(
            spec.agent,
            Agent {
                profile,
                status: Status::Offline,
                reason: String::new(),
                wrap_until: 0.0,
                idle_since: now,
                load: Vec::new(),
                offers: Vec::new(),
                active: Vec::new(),
                calls_taken: 0,
                talk_time: 0.0,
                aht: None,
                personal: Vec::new(),
                pooled: Vec::new(),
            },
        );
        Ok(())
    }

    fn update_agent(&mut self, spec: &AgentSpec) -> Result<(), EngineError> {
        let profile = check_profile(spec, |name| self.channel(name))?;
        let aid = spec.agent;
        self.agent(aid)?;
        for m in &profile.memberships {
            self.queue(m.queue)?;
        }
        let old = std::mem::take(
            &mut self
                .agents
                .get_mut(&aid)
                .expect("checked")
                .profile
                .memberships,
        );
        self.leave_queues(aid, &old);
        let agent = self.agents.get_mut(&aid).expect("checked");
        for m in &profile.memberships {
            let q = self.queues.get_mut(&m.queue).expect("checked");
            q.members.insert(aid);
            q.wake_all(&mut self.awake);
        }
        agent.profile = profile;
        agent.pooled.clear();
        self.refresh_free(aid);
        Ok(())
    }

    fn remove_agent(&mut self, aid: u64) -> Result<(), EngineError> {
        let agent = self.agent(aid)?;
        if !agent.offers.is_empty()
            || !agent.active.is_empty()
            || agent.personal.iter().any(|line| !line.is_empty())
        {
            return Err(EngineError::InvalidState(format!(
                "agent {aid} still has offers, answered contacts or a personal queue"
            )));
        }
        let agent = self.agents.remove(&aid).expect("checked");
        self.leave_queues(aid, &agent.profile.memberships);
        self.free.remove(&aid);
        Ok(())
    }

    fn set_agent_state(
        &mut self,
        aid: u64,
        state: &str,
        reason: &str,
        now: f64,
    ) -> Result<(), EngineError> {
        let status = match state {
            "offline" => Status::Offline,
            "available" => Status::Available,
            "paused" => Status::Paused,
            _ => {
                return Err(invalid(format!(
                    "unknown agent state '{state}'; expected offline, available or paused"
                )))
            }
        };
        let agent = self.agent(aid)?;
        let previous = agent.status;
        if status != Status::Available {
            self.withdraw_offers_of(aid);
        }
        let agent = self.agents.get_mut(&aid).expect("checked");
        if matches!(previous, Status::Offline | Status::WrapUp) && status != Status::Offline {
            agent.idle_since = now; // logged in, or wrap-up ended early
        }
        match status {
            Status::Offline => {
                agent.reason.clear();
                // sticky reservations on this agent end
                for m in &agent.profile.memberships {
                    self.queues
                        .get_mut(&m.queue)
                        .expect("member")
                        .wake_all(&mut self.awake);
                }
            }
            Status::Paused => reason.clone_into(&mut agent.reason),
            _ => agent.reason.clear(),
        }
        agent.status = status;
        self.refresh_free(aid);
        Ok(())
    }

    fn add_contact(&mut self, spec: &ContactSpec, now: f64) -> Result<(), EngineError> {
        let requirements = check_levels(&spec.requirements, "requirements")?;
        let waited = check_seconds(spec.waited_s, "waited_s", true)?;
        let pref_until = check_seconds(spec.preferred_until, "preferred_until", false)?;
        if self.contacts.contains_key(&spec.contact) {
            return Err(EngineError::DuplicateId("contact", spec.contact));
        }
        self.queue(spec.queue)?;
        if let Some(p) = spec.preferred_agent {
            self.agent(p)?;
        }
        let channel = self.channel(&spec.channel);
        let c = Contact {
            id: spec.contact,
            seq: self.seq,
            queue: Some(spec.queue),
            target: None,
            priority: spec.priority,
            channel,
            requirements,
            since: now - waited,
            joined: now,
            preferred: spec.preferred_agent,
            pref_until,
            excluded: Vec::new(),
            state: CState::Waiting,
            offered_to: Vec::new(),
            agent: None,
            accepted_at: 0.0,
            last_pos: None,
        };
        self.seq += 1;
        self.contacts.insert(spec.contact, c);
        self.enqueue(spec.contact);
        Ok(())
    }

    fn remove_contact(&mut self, cid: u64, now: f64) -> Result<(), EngineError> {
        self.waiting_contact(cid)?;
        self.withdraw_all(cid);
        self.left_line(cid, now, true);
        let c = self.contacts.remove(&cid).expect("checked");
        self.line_mut(c.queue, c.target, c.channel).remove(&c.key());
        Ok(())
    }

    fn move_contact(
        &mut self,
        cid: u64,
        queue: Option<u64>,
        agent: Option<u64>,
        now: f64,
    ) -> Result<(), EngineError> {
        if queue.is_some() == agent.is_some() {
            return Err(invalid("a move names exactly one of queue and agent"));
        }
        self.waiting_contact(cid)?;
        match (queue, agent) {
            (Some(q), _) => {
                self.queue(q)?;
            }
            (_, Some(a)) => {
                self.agent(a)?;
            }
            _ => unreachable!("exactly one is set"),
        }
        self.withdraw_all(cid);
        self.left_line(cid, now, true);
        let (old_q, old_t, ch, key) = {
            let c = &self.contacts[&cid];
            (c.queue, c.target, c.channel, c.key())
        };
        self.line_mut(old_q, old_t, ch).remove(&key);
        let c = self.contacts.get_mut(&cid).expect("checked");
        c.queue = queue;
        c.target = agent;
        c.last_pos = None;
        c.joined = now;
        self.enqueue(cid);
        Ok(())
    }

    fn set_priority(&mut self, cid: u64, priority: i64) -> Result<(), EngineError> {
        self.waiting_contact(cid)?;
        let c = self.contacts.get_mut(&cid).expect("checked");
        let (q, t, ch, old) = (c.queue, c.target, c.channel, c.key());
        c.priority = priority;
        c.last_pos = None;
        self.line_mut(q, t, ch).remove(&old);
        self.enqueue(cid);
        Ok(())
    }

    fn offered(&self, cid: u64, aid: u64) -> Result<(), EngineError> {
        let c = self.contact(cid)?;
        self.agent(aid)?;
        if c.state != CState::Offered || !c.offered_to.contains(&aid) {
            return Err(EngineError::InvalidState(format!(
                "contact {cid} is not offered to agent {aid}"
            )));
        }
        Ok(())
    }

    fn accept(&mut self, cid: u64, aid: u64, now: f64) -> Result<(), EngineError> {
        self.offered(cid, aid)?;
        let mut others: Vec<u64> = self.contacts[&cid]
            .offered_to
            .iter()
            .copied()
            .filter(|&a| a != aid)
            .collect();
        others.sort_unstable();
        for other in others {
            self.withdraw(cid, other);
        }
        self.left_line(cid, now, false);
        let c = self.contacts.get_mut(&cid).expect("checked");
        let (q, t, ch, key) = (c.queue, c.target, c.channel, c.key());
        c.offered_to.clear();
        c.state = CState::Active;
        c.agent = Some(aid);
        c.accepted_at = now;
        self.line_mut(q, t, ch).remove(&key);
        let agent = self.agents.get_mut(&aid).expect("checked");
        agent.offers.retain(|&x| x != cid);
        agent.active.push(cid);
        agent.calls_taken += 1;
        Ok(())
    }

    fn decline(&mut self, cid: u64, aid: u64, now: f64) -> Result<(), EngineError> {
        self.offered(cid, aid)?;
        self.withdraw(cid, aid);
        let exclusion = match self.contacts[&cid].queue {
            None => PERSONAL_EXCLUSION_S,
            Some(q) => self.queues[&q].cfg.exclusion_s,
        };
        self.contacts
            .get_mut(&cid)
            .expect("checked")
            .exclude(aid, now + exclusion);
        Ok(())
    }

    fn timeout(&mut self, cid: u64, aid: u64, now: f64) -> Result<(), EngineError> {
        self.offered(cid, aid)?;
        let autopause = match self.contacts[&cid].queue {
            None => true,
            Some(q) => self.queues[&q].cfg.autopause,
        };
        self.decline(cid, aid, now)?;
        if autopause {
            self.withdraw_offers_of(aid);
            let agent = self.agents.get_mut(&aid).expect("checked");
            agent.status = Status::Paused;
            RONA_REASON.clone_into(&mut agent.reason);
            self.refresh_free(aid);
        }
        Ok(())
    }

    fn end_contact(&mut self, cid: u64, now: f64) -> Result<(), EngineError> {
        let c = self.contact(cid)?;
        let Some(aid) = c.agent.filter(|_| c.state == CState::Active) else {
            return Err(EngineError::InvalidState(format!(
                "contact {cid} has not been answered"
            )));
        };
        let c = self.contacts.remove(&cid).expect("checked");
        let talk = now - c.accepted_at;
        let q = c.queue.and_then(|q| self.queues.get_mut(&q));
        let wrap = q.as_ref().map_or(0.0, |q| q.cfg.wrap_up_s);
        let handle = talk + wrap;
        if let Some(q) = q {
            q.aht = Some(match q.aht {
                None => handle,
                Some(aht) => aht + AHT_ALPHA * (handle - aht),
            });
            q.rates.handled(handle);
        }
        let agent = self
            .agents
            .get_mut(&aid)
            .expect("active contacts have agents");
        agent.active.retain(|&x| x != cid);
        agent.add_load(c.channel, -1);
        agent.talk_time += talk;
        agent.aht = Some(match agent.aht {
            None => handle,
            Some(aht) => aht + AHT_ALPHA * (handle - aht),
        });
        if agent.working() && wrap > 0.0 {
            let mut until = now + wrap;
            if agent.status == Status::WrapUp && agent.wrap_until > until {
                until = agent.wrap_until;
            }
            agent.status = Status::WrapUp;
            agent.wrap_until = until;
            self.wrap_timers.push(Reverse((F64(until), aid)));
        } else if agent.status != Status::WrapUp {
            agent.idle_since = now;
        }
        self.refresh_free(aid);
        Ok(())
    }

    // -- helpers ------------------------------------------------------------------

    pub(crate) fn queue(&self, qid: u64) -> Result<&Queue, EngineError> {
        self.queues.get(&qid).ok_or(EngineError::UnknownQueue(qid))
    }

    pub(crate) fn agent(&self, aid: u64) -> Result<&Agent, EngineError> {
        self.agents.get(&aid).ok_or(EngineError::UnknownAgent(aid))
    }

    pub(crate) fn contact(&self, cid: u64) -> Result<&Contact, EngineError> {
        self.contacts
            .get(&cid)
            .ok_or(EngineError::UnknownContact(cid))
    }

    pub(crate) fn waiting_contact(&self, cid: u64) -> Result<&Contact, EngineError> {
        let c = self.contact(cid)?;
        if c.state == CState::Active {
            return Err(EngineError::InvalidState(format!(
                "contact {cid} has been answered already"
            )));
        }
        Ok(c)
    }

    /// A contact leaves its service queue's line, answered or not: the queue learns how
    /// long it waited there (personal queues learn nothing).
    fn left_line(&mut self, cid: u64, now: f64, abandoned: bool) {
        let c = &self.contacts[&cid];
        if let Some(q) = c.queue {
            let waited = now - c.joined;
            self.queues
                .get_mut(&q)
                .expect("contacts name queues")
                .rates
                .left(waited, abandoned);
        }
    }

    /// The line a contact waits in: its queue's or its agent's, for its channel.
    pub(crate) fn line_mut(
        &mut self,
        queue: Option<u64>,
        target: Option<u64>,
        channel: u32,
    ) -> &mut BTreeSet<LineKey> {
        let lines = match (queue, target) {
            (Some(q), _) => &mut self.queues.get_mut(&q).expect("contacts name queues").lines,
            (None, Some(a)) => {
                &mut self
                    .agents
                    .get_mut(&a)
                    .expect("contacts name agents")
                    .personal
            }
            (None, None) => unreachable!("a contact is in a queue or a personal queue"),
        };
        line_of_mut(lines, channel)
    }

    /// Takes the agent out of these queues' members and free pools; their lines wake
    /// (sticky reservations on it may end).
    fn leave_queues(&mut self, aid: u64, memberships: &[Member]) {
        for m in memberships {
            let q = self
                .queues
                .get_mut(&m.queue)
                .expect("memberships name queues");
            q.members.remove(&aid);
            q.wake_all(&mut self.awake);
            q.free.iter_mut().for_each(|pool| {
                pool.remove(&aid);
            });
        }
    }

    /// Puts a contact into its line and wakes the line.
    fn enqueue(&mut self, cid: u64) {
        let c = &self.contacts[&cid];
        let (q, t, ch, key) = (c.queue, c.target, c.channel, c.key());
        self.line_mut(q, t, ch).insert(key);
        if let Some(q) = q {
            self.queues
                .get_mut(&q)
                .expect("contacts name queues")
                .freshen(ch, cid, &mut self.awake);
        } else if let Some(a) = t {
            self.personal_holders.insert(a);
        }
    }

    pub(crate) fn refresh_free(&mut self, aid: u64) {
        let agent = self.agents.get_mut(&aid).expect("refreshed agents exist");
        let available = agent.status == Status::Available;
        let mut any_room = false;
        for ch in 0..agent.profile.capacity.len() {
            let room = available && agent.has_room(ch as u32);
            any_room |= room;
            if agent.pooled.get(ch).copied().unwrap_or(false) == room {
                continue;
            }
            if agent.pooled.len() <= ch {
                agent.pooled.resize(ch + 1, false);
            }
            agent.pooled[ch] = room;
            for m in &agent.profile.memberships {
                let q = self
                    .queues
                    .get_mut(&m.queue)
                    .expect("memberships name queues");
                let pools = &mut q.free;
                if room {
                    if pools.len() <= ch {
                        pools.resize_with(ch + 1, FxHashSet::default);
                    }
                    if pools[ch].insert(aid) {
                        q.wake(ch as u32, &mut self.awake);
                    }
                } else if let Some(pool) = pools.get_mut(ch) {
                    pool.remove(&aid);
                }
            }
        }
        if any_room {
            self.free.insert(aid);
        } else {
            self.free.remove(&aid);
        }
    }

    pub(crate) fn offer(&mut self, cid: u64, aid: u64) {
        let c = self.contacts.get_mut(&cid).expect("offered contacts exist");
        c.state = CState::Offered;
        c.offered_to.push(aid);
        let channel = c.channel;
        let agent = self.agents.get_mut(&aid).expect("offered agents exist");
        agent.offers.push(cid);
        agent.add_load(channel, 1);
        self.refresh_free(aid);
    }

    fn withdraw(&mut self, cid: u64, aid: u64) {
        let c = self.contacts.get_mut(&cid).expect("offered contacts exist");
        c.offered_to.retain(|&a| a != aid);
        let channel = c.channel;
        if c.offered_to.is_empty() {
            c.state = CState::Waiting;
            if let Some(q) = c.queue {
                self.queues
                    .get_mut(&q)
                    .expect("contacts name queues")
                    .freshen(channel, cid, &mut self.awake);
            }
        }
        let agent = self.agents.get_mut(&aid).expect("offered agents exist");
        agent.offers.retain(|&x| x != cid);
        agent.add_load(channel, -1);
        self.refresh_free(aid);
    }

    fn withdraw_all(&mut self, cid: u64) {
        let mut agents = self.contacts[&cid].offered_to.clone();
        agents.sort_unstable();
        for aid in agents {
            self.withdraw(cid, aid);
        }
    }

    fn withdraw_offers_of(&mut self, aid: u64) {
        let mut offers = self.agents[&aid].offers.clone();
        offers.sort_unstable();
        for cid in offers {
            self.withdraw(cid, aid);
        }
    }
}
