"""The media plane: pjsua2 worker processes that answer calls, play prompts, collect DTMF
and bridge callers to agents, and the pool that runs them and speaks to them."""
