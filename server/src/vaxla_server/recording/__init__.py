"""Call recording (R27): which calls a rule records, the recordings kept, their API."""
