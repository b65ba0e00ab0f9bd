"""Storm messages (R6): one switch per entry point that every new caller hears at once and
callers already waiting hear at their next announcement."""
