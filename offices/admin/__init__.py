"""Admin for supervisors (their own offices only) and central admins (everything).

Who sees what: superusers and the ``central_admin`` group see every office; any other
staff user sees only the offices where they are a *supervisor*. The group gives the
model permissions, the membership gives the scope; both must hold. Every change that
touches capacity goes through the services, so the admin obeys the same rules as the
rest of the system (never below booked, closures close rows, caches are forgotten).
"""

from offices.admin import audit, capacity, closures, office, staff  # noqa: F401 - importing registers them
