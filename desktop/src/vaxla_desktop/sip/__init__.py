"""Voice: the pjsua2 softphone, Qt-free, pumped by whoever owns it."""
