"""Partner organisations (employers and CBOs), supervisors, placements and employer links."""

from competencies.partners.links import EmployerLink
from competencies.partners.model import Partner, Placement, Supervisor

__all__ = ["EmployerLink", "Partner", "Placement", "Supervisor"]
