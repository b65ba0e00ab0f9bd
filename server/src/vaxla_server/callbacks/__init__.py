"""Callbacks (R17): a waiting caller asks to be called back and keeps its place."""
