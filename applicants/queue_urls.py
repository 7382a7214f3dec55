"""Public day-of-service pages: the office's TV board (secret link) and its queue page."""

from django.urls import path

from applicants.views import staff

urlpatterns = [
    path("display/<str:token>/", staff.display_board, name="display-board"),
    path("display/<str:token>/state.json", staff.display_state_json, name="display-state"),
    path("offices/<slug:code>/queue/", staff.public_queue, name="office-queue"),
]
