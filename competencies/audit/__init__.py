"""The audit log: who did what to a link or a rating, when, and from which address."""

from competencies.audit.log import Actor, AuditEvent, course_events, record, tenant_events

__all__ = ["Actor", "AuditEvent", "course_events", "record", "tenant_events"]
