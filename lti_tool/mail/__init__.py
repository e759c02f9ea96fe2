"""Outgoing mail: the queue the teacher sees, the messages, and SMTP delivery."""
