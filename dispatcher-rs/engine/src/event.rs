//! The events the engine takes, as given: values are checked by the engine, in field
//! order, when the event is applied (so a pure-Rust caller gets the same checks as
//! Python). Mirrors `vaxla_dispatcher.events`.

/// After waiting `after_s` seconds a contact's required levels drop by `relax` and
/// members up to `max_penalty` (all if `None`) become eligible.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSpec {
    pub after_s: f64,
    pub relax: i64,
    pub max_penalty: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueSpec {
    pub queue: u64,
    pub strategy: String,
    pub weight: i64,
    pub requirements: Vec<(u64, i64)>,
    pub max_penalty: Option<i64>,
    pub expansion: Vec<StepSpec>,
    pub exclusion_s: f64,
    pub autopause: bool,
    pub wrap_up_s: f64,
}

impl QueueSpec {
    /// A queue with the same defaults as the Python event.
    pub fn new(queue: u64, strategy: &str) -> Self {
        QueueSpec {
            queue,
            strategy: strategy.to_owned(),
            weight: 0,
            requirements: Vec::new(),
            max_penalty: None,
            expansion: Vec::new(),
            exclusion_s: 30.0,
            autopause: true,
            wrap_up_s: 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MembershipSpec {
    pub queue: u64,
    pub penalty: i64,
    pub order: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentSpec {
    pub agent: u64,
    pub skills: Vec<(u64, i64)>,
    pub memberships: Vec<MembershipSpec>,
    pub capacity: Vec<(String, i64)>,
    pub personal_weight: i64,
}

impl AgentSpec {
    /// A voice agent (capacity 1) in the given queues at penalty 0.
    pub fn new(agent: u64, queues: &[u64]) -> Self {
        AgentSpec {
            agent,
            skills: Vec::new(),
            memberships: queues
                .iter()
                .map(|&queue| MembershipSpec {
                    queue,
                    penalty: 0,
                    order: 0,
                })
                .collect(),
            capacity: vec![("voice".to_owned(), 1)],
            personal_weight: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContactSpec {
    pub contact: u64,
    pub queue: u64,
    pub priority: i64,
    pub channel: String,
    pub requirements: Vec<(u64, i64)>,
    pub waited_s: f64,
    pub preferred_agent: Option<u64>,
    pub preferred_until: f64,
}

impl ContactSpec {
    /// A voice contact with no requirements, arriving now.
    pub fn new(contact: u64, queue: u64) -> Self {
        ContactSpec {
            contact,
            queue,
            priority: 0,
            channel: "voice".to_owned(),
            requirements: Vec::new(),
            waited_s: 0.0,
            preferred_agent: None,
            preferred_until: 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    AddQueue(QueueSpec),
    UpdateQueue(QueueSpec),
    RemoveQueue {
        queue: u64,
    },
    AddAgent(AgentSpec),
    UpdateAgent(AgentSpec),
    RemoveAgent {
        agent: u64,
    },
    SetAgentState {
        agent: u64,
        state: String,
        reason: String,
    },
    AddContact(ContactSpec),
    RemoveContact {
        contact: u64,
    },
    MoveContact {
        contact: u64,
        queue: Option<u64>,
        agent: Option<u64>,
    },
    SetPriority {
        contact: u64,
        priority: i64,
    },
    Accept {
        contact: u64,
        agent: u64,
    },
    Decline {
        contact: u64,
        agent: u64,
    },
    Timeout {
        contact: u64,
        agent: u64,
    },
    EndContact {
        contact: u64,
    },
}
