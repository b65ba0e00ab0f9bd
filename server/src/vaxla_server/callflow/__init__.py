"""The call flow: what happens to a caller between the first ring and the agent."""
