"""``vaxla-sim``: simulated agents and callers on real pjsua2, for the demo's live traffic,
tests and ``make bench-calls``.

The pjsua2-python wheel caps a process at 4 call legs (PJSUA_MAX_CALLS=4), so both
simulators spread their phones over child processes of at most 4 legs each.
"""
