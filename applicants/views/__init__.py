"""Server-rendered pages of the applicants app, by topic."""
