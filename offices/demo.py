"""Demo accounts shared by `load_demo` and the `make run` banner."""

DEMO_PASSWORD = "antrean-demo-2026"  # noqa: S105 - demo data, printed on purpose

DEMO_LOGINS = [
    {"username": "admin", "password": DEMO_PASSWORD, "role": "central admin (superuser)"},
]
