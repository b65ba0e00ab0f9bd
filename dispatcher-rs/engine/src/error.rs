use std::fmt;

/// Why an event or a query was refused. The engine changes nothing when it returns one.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    UnknownQueue(u64),
    UnknownAgent(u64),
    UnknownContact(u64),
    /// (what, id): an id that is already in use.
    DuplicateId(&'static str, u64),
    InvalidValue(String),
    InvalidState(String),
}

impl EngineError {
    /// The name of the Python class in `vaxla_dispatcher.errors` this error maps to.
    pub fn class_name(&self) -> &'static str {
        match self {
            EngineError::UnknownQueue(_) => "UnknownQueue",
            EngineError::UnknownAgent(_) => "UnknownAgent",
            EngineError::UnknownContact(_) => "UnknownContact",
            EngineError::DuplicateId(..) => "DuplicateId",
            EngineError::InvalidValue(_) => "InvalidValue",
            EngineError::InvalidState(_) => "InvalidState",
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::UnknownQueue(id) => write!(f, "no queue {id}"),
            EngineError::UnknownAgent(id) => write!(f, "no agent {id}"),
            EngineError::UnknownContact(id) => write!(f, "no contact {id}"),
            EngineError::DuplicateId(what, id) => write!(f, "{what} {id} exists already"),
            EngineError::InvalidValue(msg) | EngineError::InvalidState(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for EngineError {}

/// An error in a batch: `index` is the failing event (`None`: the batch's `now`).
/// The events before it stay applied; it and the ones after it were not.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchError {
    pub index: Option<usize>,
    pub error: EngineError,
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(i) => write!(f, "event {i}: {}", self.error),
            None => self.error.fmt(f),
        }
    }
}

impl std::error::Error for BatchError {}

pub(crate) fn invalid(msg: impl Into<String>) -> EngineError {
    EngineError::InvalidValue(msg.into())
}
