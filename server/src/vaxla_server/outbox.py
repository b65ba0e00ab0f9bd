"""What the outboxes share (the alarm mails' and the SMS'): a message that failed is
tried again after 30 s, 1 min, 2 min ... doubling, at most an hour apart, never dropped."""

FIRST_RETRY_S = 30.0
LONGEST_RETRY_S = 3600.0


def retry_after(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones."""
    return min(LONGEST_RETRY_S, FIRST_RETRY_S * 2.0 ** max(0, attempts - 1))
