"""The statistics routes: the call log (``calls``) and today's figures and the reports
(``figures``)."""
