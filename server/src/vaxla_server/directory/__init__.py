"""The directory of people, hänvisning (presence with a reason and a return time) and
line status (BLF) for the switchboard (R29)."""
