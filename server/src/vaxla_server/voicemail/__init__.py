"""Shared voicemail (R7): the messages left in the boxes, their files and their news."""
