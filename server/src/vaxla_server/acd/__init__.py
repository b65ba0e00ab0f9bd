"""The ACD rules: opening hours, caller input, menus and queues, as pure logic.

Nothing here reads the wall clock or does I/O: every rule takes the instant or date it
needs as an argument, so the call flow, the API and the tests all ask the same questions
with the same answers.
"""
