"""The application's rules, free of Qt so that they can be tested without a display."""
