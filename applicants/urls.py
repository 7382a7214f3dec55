"""Pages of the applicants app."""

from django.urls import path

from applicants.views import proof

app_name = "applicants"

urlpatterns = [
    # The proof link printed on every proof: its shape must never change.
    path("b/<str:code>/<str:token>/", proof.proof_page, name="proof"),
    path("b/<str:code>/<str:token>/proof.pdf", proof.proof_pdf_download, name="proof-pdf"),
    path("b/<str:code>/<str:token>/calendar.ics", proof.proof_ics_download, name="proof-ics"),
]
