"""Wallboards saved on the server (R30): boards, their links and their web page."""
