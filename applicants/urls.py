"""Pages of the applicants app."""

from django.urls import path

from applicants.views import proof, public

app_name = "applicants"

urlpatterns = [
    # The proof link printed on every proof: its shape must never change.
    path("b/<str:code>/<str:token>/", proof.proof_page, name="proof"),
    path("b/<str:code>/<str:token>/proof.pdf", proof.proof_pdf_download, name="proof-pdf"),
    path("b/<str:code>/<str:token>/calendar.ics", proof.proof_ics_download, name="proof-ics"),
    # The applicant's booking pages (issue 6).
    path("offices/<slug:code>/book/", public.book, name="book"),
    path("offices/<slug:code>/book/review/", public.book_review, name="book-review"),
    path("my-booking/", public.my_booking, name="my_booking"),
    path("b/<str:code>/<str:token>/cancel/", public.cancel, name="cancel"),
    path("b/<str:code>/<str:token>/reschedule/", public.reschedule, name="reschedule"),
    path("b/<str:code>/<str:token>/renew-link/", public.renew_link, name="renew-link"),
    path("b/<str:code>/<str:token>/contact/", public.change_contact, name="contact"),
    path("b/<str:code>/<str:token>/queue.json", public.queue_status, name="queue-status"),
]
