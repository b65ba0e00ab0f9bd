//! The engine's public API, rule by rule, on small scenarios with exact offers (the
//! rules are those of `vaxla_dispatcher.reference`; `tests/dispatcher/test_behaviour.py`
//! covers the same ground in more detail through Python).

use vaxla_engine::{
    qlm_wait, AgentSpec, ContactSpec, ContactState, Engine, EngineError, Event, MembershipSpec,
    QueueSpec, StepSpec, RATE_MEMORY, RONA_REASON,
};

fn queue(spec: QueueSpec) -> Event {
    Event::AddQueue(spec)
}

fn agent(id: u64, queues: &[u64]) -> AgentSpec {
    AgentSpec::new(id, queues)
}

fn member(queue: u64, penalty: i64, order: i64) -> MembershipSpec {
    MembershipSpec {
        queue,
        penalty,
        order,
    }
}

fn state(agent: u64, state: &str, reason: &str) -> Event {
    Event::SetAgentState {
        agent,
        state: state.to_owned(),
        reason: reason.to_owned(),
    }
}

fn ready(agent: u64) -> Event {
    state(agent, "available", "")
}

fn contact(id: u64, queue: u64) -> Event {
    Event::AddContact(ContactSpec::new(id, queue))
}

fn apply(e: &mut Engine, events: Vec<Event>, now: f64) {
    e.apply(&events, now).expect("the batch applies");
}

fn assign(e: &mut Engine, now: f64) -> Vec<(u64, u64)> {
    e.assign(now).expect("assign")
}

/// The agent answers the offered contact at `start` and ends it at `end`.
fn handle(e: &mut Engine, contact: u64, agent: u64, start: f64, end: f64) {
    apply(e, vec![Event::Accept { contact, agent }], start);
    apply(e, vec![Event::EndContact { contact }], end);
}

/// One offer per call: the agents picked for contacts 100, 101, ... arriving 10 s
/// apart, each answered and ended within a second.
fn picks(e: &mut Engine, start: f64, count: u64) -> Vec<u64> {
    (0..count)
        .map(|i| {
            let now = start + 10.0 * i as f64;
            apply(e, vec![contact(100 + i, 1)], now);
            let offers = assign(e, now);
            assert_eq!(offers.len(), 1, "one offer for contact {}", 100 + i);
            handle(e, 100 + i, offers[0].1, now, now + 1.0);
            offers[0].1
        })
        .collect()
}

#[test]
fn sequential_follows_the_fixed_order() {
    let mut e = Engine::new(0);
    let mut events = vec![queue(QueueSpec::new(1, "sequential"))];
    for (id, order) in [(1, 2), (2, 0), (3, 1)] {
        let mut spec = agent(id, &[]);
        spec.memberships = vec![member(1, 0, order)];
        events.extend([Event::AddAgent(spec), ready(id)]);
    }
    apply(&mut e, events, 0.0);
    apply(&mut e, (100..103).map(|c| contact(c, 1)).collect(), 1.0);
    assert_eq!(assign(&mut e, 1.0), [(100, 2), (101, 3), (102, 1)]);
}

#[test]
fn longest_idle_picks_the_agent_idle_the_longest() {
    let mut e = Engine::new(0);
    let mut events = vec![queue(QueueSpec::new(1, "longest_idle"))];
    events.extend((1..=3).map(|a| Event::AddAgent(agent(a, &[1]))));
    apply(&mut e, events, 0.0);
    apply(&mut e, vec![ready(3)], 0.0);
    apply(&mut e, vec![ready(1)], 1.0);
    apply(&mut e, vec![ready(2)], 2.0);
    assert_eq!(picks(&mut e, 3.0, 4), [3, 1, 2, 3]);
}

#[test]
fn round_robin_remembers_and_wraps_around() {
    let mut e = Engine::new(0);
    let mut events = vec![queue(QueueSpec::new(1, "round_robin"))];
    for id in 1..=3 {
        let mut spec = agent(id, &[]);
        spec.memberships = vec![member(1, 0, id as i64)];
        events.extend([Event::AddAgent(spec), ready(id)]);
    }
    apply(&mut e, events, 0.0);
    assert_eq!(picks(&mut e, 1.0, 5), [1, 2, 3, 1, 2]);
}

/// A longest-idle-like site with the given strategy: agents 1 and 2 logged in at t=0,
/// agent 3 a member still offline.
fn three_agents(strategy: &str) -> Engine {
    let mut e = Engine::new(0);
    let mut events = vec![queue(QueueSpec::new(1, strategy))];
    events.extend((1..=3).map(|a| Event::AddAgent(agent(a, &[1]))));
    events.extend([ready(1), ready(2)]);
    apply(&mut e, events, 0.0);
    e
}

#[test]
fn fewest_calls_beats_longer_idle() {
    let mut e = three_agents("fewest_calls");
    apply(&mut e, vec![contact(100, 1)], 1.0);
    assert_eq!(assign(&mut e, 1.0), [(100, 1)]);
    handle(&mut e, 100, 1, 1.0, 5.0);
    apply(&mut e, vec![contact(101, 1)], 6.0);
    assert_eq!(assign(&mut e, 6.0), [(101, 2)]);
    handle(&mut e, 101, 2, 6.0, 7.0);
    apply(&mut e, vec![ready(3)], 10.0);
    apply(&mut e, vec![contact(102, 1)], 11.0);
    assert_eq!(assign(&mut e, 11.0), [(102, 3)]); // no call yet, idle the shortest
}

#[test]
fn least_talk_time_beats_fewer_calls_and_longer_idle() {
    let mut e = three_agents("least_talk_time");
    apply(&mut e, vec![contact(100, 1)], 0.0);
    assert_eq!(assign(&mut e, 0.0), [(100, 1)]);
    handle(&mut e, 100, 1, 0.0, 50.0);
    for (c, t) in [(101, 51.0), (102, 54.0), (103, 57.0)] {
        apply(&mut e, vec![contact(c, 1)], t);
        assert_eq!(assign(&mut e, t), [(c, 2)]);
        handle(&mut e, c, 2, t, t + 2.0);
    }
    let agents = e.snapshot(60.0).unwrap().agents;
    let stats: Vec<(u64, u64, f64)> = agents
        .iter()
        .map(|a| (a.agent, a.calls_taken, a.talk_time))
        .collect();
    assert_eq!(stats, [(1, 1, 50.0), (2, 3, 6.0), (3, 0, 0.0)]);
}

#[test]
fn random_is_seeded_and_picks_only_eligible_agents() {
    fn run(seed: u64) -> Vec<u64> {
        let mut e = Engine::new(seed);
        let mut events = vec![
            queue(QueueSpec::new(1, "random")),
            queue(QueueSpec::new(2, "longest_idle")),
        ];
        for a in 1..=4 {
            events.extend([Event::AddAgent(agent(a, &[1])), ready(a)]);
        }
        events.extend([Event::AddAgent(agent(5, &[2])), ready(5)]); // not a member
        events.extend([Event::AddAgent(agent(6, &[1])), state(6, "paused", "")]);
        apply(&mut e, events, 0.0);
        (0..30)
            .map(|i| {
                apply(&mut e, vec![contact(100 + i, 1)], i as f64);
                let offers = assign(&mut e, i as f64);
                apply(
                    &mut e,
                    vec![Event::RemoveContact { contact: 100 + i }],
                    i as f64,
                );
                assert_eq!(offers.len(), 1);
                offers[0].1
            })
            .collect()
    }
    let picks = run(0);
    let mut seen = picks.clone();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen, [1, 2, 3, 4]);
    assert_eq!(run(0), picks);
    assert_ne!(run(1), picks);
}

#[test]
fn ring_all_rings_the_best_tier_and_the_first_accept_wins() {
    let mut e = Engine::new(0);
    let mut tier1 = agent(3, &[]);
    tier1.memberships = vec![member(1, 1, 0)];
    let events = vec![
        queue(QueueSpec::new(1, "ring_all")),
        Event::AddAgent(agent(1, &[1])),
        Event::AddAgent(agent(2, &[1])),
        Event::AddAgent(tier1),
        ready(1),
        ready(2),
        ready(3),
        contact(100, 1),
    ];
    apply(&mut e, events, 0.0);
    assert_eq!(assign(&mut e, 0.0), [(100, 1), (100, 2)]);
    apply(
        &mut e,
        vec![Event::Accept {
            contact: 100,
            agent: 2,
        }],
        1.0,
    );
    assert_eq!(e.contact_state(100), Ok((ContactState::Active, vec![2])));
    apply(&mut e, vec![contact(101, 1)], 2.0);
    assert_eq!(assign(&mut e, 2.0), [(101, 1)]);
    apply(&mut e, vec![contact(102, 1)], 3.0);
    assert_eq!(assign(&mut e, 3.0), [(102, 3)]);
}

#[test]
fn skills_picks_the_best_summed_level_then_the_longest_idle() {
    let mut e = Engine::new(0);
    let mut spec = QueueSpec::new(1, "skills");
    spec.requirements = vec![(1, 1), (2, 1)];
    let mut events = vec![queue(spec)];
    let skills: [(u64, &[(u64, i64)]); 5] = [
        (1, &[(1, 5), (2, 1)]),
        (2, &[(1, 3), (2, 4)]),
        (3, &[(1, 9)]),
        (4, &[(1, 2), (2, 2), (3, 50)]),
        (5, &[(1, 4), (2, 3)]),
    ];
    for (id, levels) in skills {
        let mut a = agent(id, &[1]);
        a.skills = levels.to_vec();
        events.push(Event::AddAgent(a));
    }
    events.push(ready(5));
    apply(&mut e, events, 0.0);
    apply(&mut e, (1..=4).map(ready).collect(), 1.0);
    apply(&mut e, (100..105).map(|c| contact(c, 1)).collect(), 2.0);
    assert_eq!(
        assign(&mut e, 2.0),
        [(100, 5), (101, 2), (102, 1), (103, 4)]
    );
}

#[test]
fn penalty_tiers_and_max_penalty() {
    let mut e = Engine::new(0);
    let mut spec = QueueSpec::new(1, "longest_idle");
    spec.max_penalty = Some(1);
    let mut events = vec![queue(spec)];
    for (id, penalty) in [(1, 1), (2, 0), (3, 2)] {
        let mut a = agent(id, &[]);
        a.memberships = vec![member(1, penalty, 0)];
        events.extend([Event::AddAgent(a), ready(id)]);
    }
    apply(&mut e, events, 0.0);
    apply(&mut e, (100..103).map(|c| contact(c, 1)).collect(), 1.0);
    assert_eq!(assign(&mut e, 1.0), [(100, 2), (101, 1)]);
    assert_eq!(assign(&mut e, 1000.0), []);
}

#[test]
fn expansion_relaxes_levels_and_widens_tiers_by_accumulated_wait() {
    let mut e = Engine::new(0);
    let mut spec = QueueSpec::new(1, "longest_idle");
    spec.requirements = vec![(7, 5)];
    spec.max_penalty = Some(0);
    spec.expansion = vec![
        StepSpec {
            after_s: 10.0,
            relax: 2,
            max_penalty: Some(0),
        },
        StepSpec {
            after_s: 20.0,
            relax: 2,
            max_penalty: Some(2),
        },
    ];
    let mut low = agent(1, &[1]);
    low.skills = vec![(7, 3)];
    let mut far = agent(2, &[]);
    far.memberships = vec![member(1, 2, 0)];
    far.skills = vec![(7, 5)];
    let mut waited = ContactSpec::new(101, 1);
    waited.waited_s = 15.0;
    let events = vec![
        queue(spec),
        Event::AddAgent(low),
        Event::AddAgent(far),
        state(1, "paused", ""),
        ready(2),
        contact(100, 1),
        Event::AddContact(waited),
    ];
    apply(&mut e, events, 0.0);
    assert_eq!(assign(&mut e, 4.9), []);
    assert_eq!(assign(&mut e, 5.0), [(101, 2)]); // 20 s waited: tier 2 now
    apply(&mut e, vec![ready(1)], 6.0);
    assert_eq!(assign(&mut e, 9.9), []);
    assert_eq!(assign(&mut e, 10.0), [(100, 1)]); // level 3 now
}

#[test]
fn a_sticky_contact_waits_for_its_agent_until_preferred_until() {
    let mut e = Engine::new(0);
    let mut sticky = ContactSpec::new(100, 1);
    sticky.preferred_agent = Some(2);
    sticky.preferred_until = 30.0;
    let events = vec![
        queue(QueueSpec::new(1, "longest_idle")),
        Event::AddAgent(agent(1, &[1])),
        Event::AddAgent(agent(2, &[1])),
        ready(1),
        state(2, "paused", ""),
        Event::AddContact(sticky),
    ];
    apply(&mut e, events, 0.0);
    assert_eq!(assign(&mut e, 0.0), []);
    assert_eq!(assign(&mut e, 29.9), []);
    assert_eq!(assign(&mut e, 30.0), [(100, 1)]);
}

#[test]
fn a_sticky_reservation_ends_when_the_agent_goes_offline() {
    let mut e = Engine::new(0);
    let mut sticky = ContactSpec::new(100, 1);
    sticky.preferred_agent = Some(2);
    sticky.preferred_until = 30.0;
    let events = vec![
        queue(QueueSpec::new(1, "longest_idle")),
        Event::AddAgent(agent(1, &[1])),
        Event::AddAgent(agent(2, &[1])),
        ready(1),
        state(2, "paused", ""),
        Event::AddContact(sticky),
    ];
    apply(&mut e, events, 0.0);
    assert_eq!(assign(&mut e, 1.0), []);
    apply(&mut e, vec![state(2, "offline", "")], 2.0);
    assert_eq!(assign(&mut e, 2.0), [(100, 1)]);
}

#[test]
fn personal_weight_against_queue_weight() {
    for (personal_weight, queue_weight, first) in [(5, 0, 100), (0, 5, 200), (0, 0, 100)] {
        let mut e = Engine::new(0);
        let mut spec = QueueSpec::new(1, "longest_idle");
        spec.weight = queue_weight;
        let mut owner = agent(1, &[1]);
        owner.personal_weight = personal_weight;
        let events = vec![
            queue(spec),
            Event::AddAgent(owner),
            contact(100, 1),
            Event::MoveContact {
                contact: 100,
                queue: None,
                agent: Some(1),
            },
        ];
        apply(&mut e, events, 0.0);
        apply(&mut e, vec![contact(200, 1), ready(1)], 1.0);
        assert_eq!(
            assign(&mut e, 1.0),
            [(first, 1)],
            "personal weight {personal_weight}, queue weight {queue_weight}"
        );
    }
}

#[test]
fn rona_autopauses_and_excludes_the_agent_for_exclusion_s() {
    for autopause in [true, false] {
        let mut e = Engine::new(0);
        let mut spec = QueueSpec::new(1, "longest_idle");
        spec.exclusion_s = 10.0;
        spec.autopause = autopause;
        let events = vec![
            queue(spec),
            Event::AddAgent(agent(1, &[1])),
            ready(1),
            contact(100, 1),
        ];
        apply(&mut e, events, 0.0);
        assert_eq!(assign(&mut e, 0.0), [(100, 1)]);
        let timeout = Event::Timeout {
            contact: 100,
            agent: 1,
        };
        apply(&mut e, vec![timeout], 5.0);
        let row = e.snapshot(5.0).unwrap().agents[0].clone();
        if autopause {
            assert_eq!((row.state, row.reason.as_str()), ("paused", RONA_REASON));
            assert_eq!(assign(&mut e, 20.0), []);
            apply(&mut e, vec![ready(1)], 20.0);
            assert_eq!(assign(&mut e, 20.0), [(100, 1)]);
        } else {
            assert_eq!((row.state, row.reason.as_str()), ("available", ""));
            assert_eq!(assign(&mut e, 14.9), []);
            assert_eq!(assign(&mut e, 15.0), [(100, 1)]);
        }
    }
}

#[test]
fn a_decline_offers_the_contact_to_someone_else() {
    let mut e = Engine::new(0);
    let events = vec![
        queue(QueueSpec::new(1, "longest_idle")),
        Event::AddAgent(agent(1, &[1])),
        Event::AddAgent(agent(2, &[1])),
        ready(1),
    ];
    apply(&mut e, events, 0.0);
    apply(&mut e, vec![ready(2), contact(100, 1)], 1.0);
    assert_eq!(assign(&mut e, 1.0), [(100, 1)]);
    let decline = Event::Decline {
        contact: 100,
        agent: 1,
    };
    apply(&mut e, vec![decline], 2.0);
    assert_eq!(assign(&mut e, 2.0), [(100, 2)]);
}

#[test]
fn wrap_up_ends_exactly_at_end_plus_wrap_up_s() {
    let mut e = Engine::new(0);
    let mut spec = QueueSpec::new(1, "longest_idle");
    spec.wrap_up_s = 15.0;
    let events = vec![
        queue(spec),
        Event::AddAgent(agent(1, &[1])),
        ready(1),
        contact(100, 1),
    ];
    apply(&mut e, events, 0.0);
    assert_eq!(assign(&mut e, 0.0), [(100, 1)]);
    handle(&mut e, 100, 1, 0.0, 10.0);
    apply(&mut e, vec![contact(101, 1)], 11.0);
    assert_eq!(e.snapshot(11.0).unwrap().agents[0].state, "wrap_up");
    assert_eq!(assign(&mut e, 24.999), []);
    assert_eq!(assign(&mut e, 25.0), [(101, 1)]);
    assert_eq!(e.snapshot(25.0).unwrap().agents[0].idle_since, 25.0);
    assert_eq!(e.snapshot(25.0).unwrap().queues[0].aht, Some(25.0));
}

#[test]
fn capacity_is_per_channel() {
    let mut e = Engine::new(0);
    let mut multi = agent(1, &[1]);
    multi.capacity = vec![("voice".to_owned(), 1), ("chat".to_owned(), 3)];
    apply(
        &mut e,
        vec![
            queue(QueueSpec::new(1, "longest_idle")),
            Event::AddAgent(multi),
            ready(1),
        ],
        0.0,
    );
    let mut events: Vec<Event> = (1..=4)
        .map(|c| {
            let mut chat = ContactSpec::new(c, 1);
            chat.channel = "chat".to_owned();
            Event::AddContact(chat)
        })
        .collect();
    events.extend([contact(5, 1), contact(6, 1)]);
    apply(&mut e, events, 1.0);
    assert_eq!(assign(&mut e, 1.0), [(1, 1), (2, 1), (3, 1), (5, 1)]);
    assert_eq!(e.contact_state(4), Ok((ContactState::Waiting, vec![])));
}

#[test]
fn position_and_estimated_wait() {
    let mut e = Engine::new(0);
    let mut spec = QueueSpec::new(1, "longest_idle");
    spec.wrap_up_s = 10.0;
    apply(
        &mut e,
        vec![queue(spec), Event::AddAgent(agent(1, &[1]))],
        0.0,
    );
    for c in 1..=3 {
        apply(&mut e, vec![contact(c, 1)], c as f64);
    }
    assert_eq!(e.estimated_wait(3, 10.0), Ok(9.0)); // head of line: contact 1
    let mut urgent = ContactSpec::new(4, 1);
    urgent.priority = 5;
    apply(&mut e, vec![Event::AddContact(urgent)], 11.0);
    assert_eq!(e.position(4), Ok(1));
    assert_eq!(e.position(3), Ok(3)); // never grows
    apply(&mut e, vec![ready(1)], 12.0);
    assert_eq!(assign(&mut e, 12.0), [(4, 1)]);
    handle(&mut e, 4, 1, 12.0, 42.0); // AHT 30 + 10
    assert_eq!(e.estimated_wait(3, 42.0), Ok(3.0 * 40.0 / 1.0));
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-12 * want.abs()
}

#[test]
fn qlm_wait_sums_the_rates_of_leaving() {
    assert_eq!(qlm_wait(0, 4, 0.25, 9.0), 1.0);
    assert!(close(qlm_wait(2, 2, 0.5, 0.5), 1.0 + 1.0 / 1.5 + 0.5));
    assert!(close(qlm_wait(4, 3, 0.1, 0.0), 5.0 / 0.3)); // no abandonment: QL
}

#[test]
fn estimated_wait_learns_service_and_abandonment_rates() {
    let mut e = Engine::new(0);
    apply(
        &mut e,
        vec![
            queue(QueueSpec::new(1, "longest_idle")),
            Event::AddAgent(agent(1, &[1])),
            Event::AddAgent(agent(2, &[1])),
            ready(1),
            ready(2),
        ],
        0.0,
    );
    for i in 0..9 {
        let t = 100.0 * i as f64;
        apply(&mut e, vec![contact(100 + i, 1)], t);
        let offers = assign(&mut e, t);
        handle(&mut e, offers[0].0, offers[0].1, t, t + 40.0);
    }
    apply(&mut e, vec![contact(200, 1), contact(201, 1)], 1000.0);
    for (c, a) in assign(&mut e, 1000.0) {
        apply(
            &mut e,
            vec![Event::Accept {
                contact: c,
                agent: a,
            }],
            1000.0,
        );
    }
    apply(&mut e, (300..305).map(|c| contact(c, 1)).collect(), 1000.0);
    // nine calls: still position × AHT / servers
    assert_eq!(e.estimated_wait(304, 1000.0), Ok(5.0 * 40.0 / 2.0));
    apply(&mut e, vec![Event::RemoveContact { contact: 300 }], 1030.0);
    apply(&mut e, vec![Event::EndContact { contact: 200 }], 1040.0);
    let offers = assign(&mut e, 1040.0);
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].0, 301);
    let accept = Event::Accept {
        contact: 301,
        agent: offers[0].1,
    };
    apply(&mut e, vec![accept], 1040.0);
    let keep = 1.0 - 1.0 / RATE_MEMORY;
    let rate = 2.0 / 40.0;
    let theta = keep / (30.0 * keep + 40.0);
    let want = 1.0 / rate + 1.0 / (rate + theta) + 1.0 / (rate + 2.0 * theta);
    let got = e.estimated_wait(304, 1040.0).expect("waiting");
    assert!(close(got, want), "{got} != {want}");
}

#[test]
fn a_failing_event_changes_nothing_and_names_its_index() {
    let mut e = Engine::new(0);
    let setup = vec![
        queue(QueueSpec::new(1, "longest_idle")),
        Event::AddAgent(agent(1, &[1])),
        ready(1),
        contact(100, 1),
    ];
    apply(&mut e, setup, 0.0);
    assert_eq!(assign(&mut e, 0.0), [(100, 1)]);
    let cases: Vec<(Event, &str)> = vec![
        (contact(200, 9), "UnknownQueue"),
        (ready(9), "UnknownAgent"),
        (Event::RemoveContact { contact: 9 }, "UnknownContact"),
        (queue(QueueSpec::new(1, "longest_idle")), "DuplicateId"),
        (
            Event::UpdateQueue(QueueSpec::new(1, "fastest")),
            "InvalidValue",
        ),
        (state(1, "asleep", ""), "InvalidValue"),
        (
            Event::UpdateAgent(AgentSpec {
                capacity: vec![("voice".to_owned(), -1)],
                ..agent(1, &[1])
            }),
            "InvalidValue",
        ),
        (
            Event::Accept {
                contact: 100,
                agent: 2,
            },
            "UnknownAgent",
        ),
        (Event::EndContact { contact: 100 }, "InvalidState"),
        (Event::RemoveQueue { queue: 1 }, "InvalidState"),
        (Event::RemoveAgent { agent: 1 }, "InvalidState"),
    ];
    let before = e.snapshot(1.0).unwrap();
    for (bad, class) in cases {
        let batch = vec![contact(300, 1), bad.clone(), contact(301, 1)];
        let err = e.apply(&batch, 1.0).expect_err("the second event fails");
        assert_eq!(err.index, Some(1), "{bad:?}");
        assert_eq!(err.error.class_name(), class, "{bad:?}");
        // the first event stayed applied; undo it to compare with the state before
        assert_eq!(e.contact_state(300), Ok((ContactState::Waiting, vec![])));
        assert_eq!(
            e.contact_state(301),
            Err(EngineError::UnknownContact(301)),
            "{bad:?}"
        );
        apply(&mut e, vec![Event::RemoveContact { contact: 300 }], 1.0);
        assert_eq!(e.snapshot(1.0).unwrap(), before, "{bad:?}");
        assert_eq!(e.contact_state(100), Ok((ContactState::Offered, vec![1])));
    }
}

#[test]
fn time_must_be_finite_and_never_run_backwards() {
    let mut e = Engine::new(0);
    apply(&mut e, vec![queue(QueueSpec::new(1, "longest_idle"))], 5.0);
    for now in [4.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = e.apply(&[contact(100, 1)], now).expect_err("refused");
        assert_eq!(err.index, None);
        assert!(matches!(err.error, EngineError::InvalidValue(_)));
        assert!(matches!(e.assign(now), Err(EngineError::InvalidValue(_))));
        assert!(matches!(e.snapshot(now), Err(EngineError::InvalidValue(_))));
    }
    assert_eq!(e.contact_count(), 0);
    apply(&mut e, vec![contact(100, 1)], 5.0); // the same time is fine
    assert_eq!(e.contact_count(), 1);
}
