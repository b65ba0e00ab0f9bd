//! Python event objects (`vaxla_dispatcher.events`) to engine events. Only types are
//! checked here; the engine checks values. A failure names the event and the field.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use vaxla_engine::{AgentSpec, ContactSpec, Event, MembershipSpec, QueueSpec, StepSpec};

type Field<T> = Result<T, String>;

/// The events up to the first one that cannot be read, and that one's index and why.
pub(crate) fn events(batch: &Bound<'_, PyAny>) -> (Vec<Event>, Option<(usize, String)>) {
    let mut out = Vec::new();
    let mut push = |i: usize, item: &Bound<'_, PyAny>| match event(item) {
        Ok(ev) => {
            out.push(ev);
            None
        }
        Err(why) => Some((i, why)),
    };
    if let Ok(list) = batch.cast::<PyList>() {
        for (i, item) in list.iter().enumerate() {
            if let Some(bad) = push(i, &item) {
                return (out, Some(bad));
            }
        }
        return (out, None);
    }
    match batch.try_iter() {
        Ok(iter) => {
            for (i, item) in iter.enumerate() {
                let bad = match item {
                    Ok(item) => push(i, &item),
                    Err(err) => Some((i, format!("the batch could not be read: {err}"))),
                };
                if bad.is_some() {
                    return (out, bad);
                }
            }
            (out, None)
        }
        Err(_) => (
            out,
            Some((0, "events must be a sequence of events".to_owned())),
        ),
    }
}

fn event(ev: &Bound<'_, PyAny>) -> Field<Event> {
    let py = ev.py();
    let tag: u8 = ev
        .getattr(intern!(py, "TAG"))
        .and_then(|t| t.extract())
        .map_err(|_| format!("not a dispatcher event: {}", describe(ev)))?;
    let contact = || id(ev, intern!(py, "contact"));
    let agent = || id(ev, intern!(py, "agent"));
    Ok(match tag {
        1 => Event::AddQueue(queue_spec(ev)?),
        2 => Event::UpdateQueue(queue_spec(ev)?),
        3 => Event::RemoveQueue {
            queue: id(ev, intern!(py, "queue"))?,
        },
        4 => Event::AddAgent(agent_spec(ev)?),
        5 => Event::UpdateAgent(agent_spec(ev)?),
        6 => Event::RemoveAgent { agent: agent()? },
        7 => Event::SetAgentState {
            agent: agent()?,
            state: string(ev, intern!(py, "state"))?,
            reason: string(ev, intern!(py, "reason"))?,
        },
        8 => Event::AddContact(contact_spec(ev)?),
        9 => Event::RemoveContact {
            contact: contact()?,
        },
        10 => Event::MoveContact {
            contact: contact()?,
            queue: opt_id(ev, intern!(py, "queue"))?,
            agent: opt_id(ev, intern!(py, "agent"))?,
        },
        11 => Event::SetPriority {
            contact: contact()?,
            priority: int(ev, intern!(py, "priority"))?,
        },
        12 => Event::Accept {
            contact: contact()?,
            agent: agent()?,
        },
        13 => Event::Decline {
            contact: contact()?,
            agent: agent()?,
        },
        14 => Event::Timeout {
            contact: contact()?,
            agent: agent()?,
        },
        15 => Event::EndContact {
            contact: contact()?,
        },
        _ => return Err(format!("not a dispatcher event: {}", describe(ev))),
    })
}

fn queue_spec(ev: &Bound<'_, PyAny>) -> Field<QueueSpec> {
    let py = ev.py();
    let mut expansion = Vec::new();
    for step in items(&attr(ev, intern!(py, "expansion"))?, "expansion")? {
        expansion.push(StepSpec {
            after_s: float(&step, intern!(py, "after_s"))?,
            relax: int(&step, intern!(py, "relax"))?,
            max_penalty: opt_int(&step, intern!(py, "max_penalty"))?,
        });
    }
    Ok(QueueSpec {
        queue: id(ev, intern!(py, "queue"))?,
        strategy: string(ev, intern!(py, "strategy"))?,
        weight: int(ev, intern!(py, "weight"))?,
        requirements: levels(ev, intern!(py, "requirements"))?,
        max_penalty: opt_int(ev, intern!(py, "max_penalty"))?,
        expansion,
        exclusion_s: float(ev, intern!(py, "exclusion_s"))?,
        autopause: boolean(ev, intern!(py, "autopause"))?,
        wrap_up_s: float(ev, intern!(py, "wrap_up_s"))?,
    })
}

fn agent_spec(ev: &Bound<'_, PyAny>) -> Field<AgentSpec> {
    let py = ev.py();
    let agent = id(ev, intern!(py, "agent"))?;
    let skills = levels(ev, intern!(py, "skills"))?;
    let mut memberships = Vec::new();
    for m in items(&attr(ev, intern!(py, "memberships"))?, "memberships")? {
        memberships.push(MembershipSpec {
            queue: id(&m, intern!(py, "queue"))?,
            penalty: int(&m, intern!(py, "penalty"))?,
            order: int(&m, intern!(py, "order"))?,
        });
    }
    let mut capacity = Vec::new();
    for (k, v) in pairs(&attr(ev, intern!(py, "capacity"))?, "capacity")? {
        let channel: String = k
            .extract()
            .map_err(|_| format!("capacity: channel must be a string, not {}", describe(&k)))?;
        let n: i64 = v.extract().map_err(|_| {
            format!(
                "capacity of '{channel}' must be an integer, not {}",
                describe(&v)
            )
        })?;
        capacity.push((channel, n));
    }
    Ok(AgentSpec {
        agent,
        skills,
        memberships,
        capacity,
        personal_weight: int(ev, intern!(py, "personal_weight"))?,
    })
}

fn contact_spec(ev: &Bound<'_, PyAny>) -> Field<ContactSpec> {
    let py = ev.py();
    Ok(ContactSpec {
        contact: id(ev, intern!(py, "contact"))?,
        queue: id(ev, intern!(py, "queue"))?,
        priority: int(ev, intern!(py, "priority"))?,
        channel: string(ev, intern!(py, "channel"))?,
        requirements: levels(ev, intern!(py, "requirements"))?,
        waited_s: float(ev, intern!(py, "waited_s"))?,
        preferred_agent: opt_id(ev, intern!(py, "preferred_agent"))?,
        preferred_until: float(ev, intern!(py, "preferred_until"))?,
    })
}

// -- fields -------------------------------------------------------------------------

fn describe(obj: &Bound<'_, PyAny>) -> String {
    obj.repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "<unprintable>".to_owned())
}

fn attr<'py>(obj: &Bound<'py, PyAny>, name: &Bound<'py, PyString>) -> Field<Bound<'py, PyAny>> {
    obj.getattr(name)
        .map_err(|_| format!("{} has no field '{name}'", describe(obj)))
}

fn wrong(name: &Bound<'_, PyString>, kind: &str, value: &Bound<'_, PyAny>) -> String {
    format!("{name} must be {kind}, not {}", describe(value))
}

fn id(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Field<u64> {
    let v = attr(obj, name)?;
    v.extract()
        .map_err(|_| wrong(name, "an integer id from 0 to 2**64-1", &v))
}

fn opt_id(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Field<Option<u64>> {
    let v = attr(obj, name)?;
    if v.is_none() {
        return Ok(None);
    }
    v.extract()
        .map(Some)
        .map_err(|_| wrong(name, "an integer id from 0 to 2**64-1 or None", &v))
}

fn int(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Field<i64> {
    let v = attr(obj, name)?;
    v.extract().map_err(|_| wrong(name, "a 64-bit integer", &v))
}

fn opt_int(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Field<Option<i64>> {
    let v = attr(obj, name)?;
    if v.is_none() {
        return Ok(None);
    }
    v.extract()
        .map(Some)
        .map_err(|_| wrong(name, "a 64-bit integer or None", &v))
}

fn float(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Field<f64> {
    let v = attr(obj, name)?;
    v.extract()
        .map_err(|_| wrong(name, "a number of seconds", &v))
}

fn string(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Field<String> {
    let v = attr(obj, name)?;
    v.extract().map_err(|_| wrong(name, "a string", &v))
}

fn boolean(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Field<bool> {
    let v = attr(obj, name)?;
    v.extract().map_err(|_| wrong(name, "true or false", &v))
}

fn items<'py>(obj: &Bound<'py, PyAny>, what: &str) -> Field<Vec<Bound<'py, PyAny>>> {
    let iter = obj
        .try_iter()
        .map_err(|_| format!("{what} must be a sequence, not {}", describe(obj)))?;
    iter.map(|item| item.map_err(|e| format!("{what} could not be read: {e}")))
        .collect()
}

fn pairs<'py>(
    obj: &Bound<'py, PyAny>,
    what: &str,
) -> Field<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
    if let Ok(dict) = obj.cast::<PyDict>() {
        return Ok(dict.iter().collect());
    }
    let listing = obj
        .call_method0(intern!(obj.py(), "items"))
        .map_err(|_| format!("{what} must be a mapping, not {}", describe(obj)))?;
    items(&listing, what)?
        .into_iter()
        .map(|pair| {
            pair.extract()
                .map_err(|_| format!("{what} must be a mapping, not {}", describe(obj)))
        })
        .collect()
}

fn levels(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Field<Vec<(u64, i64)>> {
    let mapping = attr(obj, name)?;
    let mut out = Vec::new();
    for (k, v) in pairs(&mapping, &name.to_string())? {
        let skill: u64 = k
            .extract()
            .map_err(|_| format!("{name}: skill must be an integer id, not {}", describe(&k)))?;
        let level: i64 = v
            .extract()
            .map_err(|_| format!("{name}: level must be an integer, not {}", describe(&v)))?;
        out.push((skill, level));
    }
    Ok(out)
}
