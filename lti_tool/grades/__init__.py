"""Grades back to the LMS: the outbox, the AGS client and the delivery loop that empties it."""
