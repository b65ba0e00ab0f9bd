"""Qt widgets and windows. They show state; they never do I/O themselves."""
