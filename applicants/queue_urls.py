"""Public day-of-service pages: the office's TV board (secret link) and its queue page."""

from django.urls import path

from applicants.views import queue_boards

urlpatterns = [
    path("display/<str:token>/", queue_boards.display_board, name="display-board"),
    path("display/<str:token>/state.json", queue_boards.display_state_json, name="display-state"),
    path("offices/<slug:code>/queue/", queue_boards.public_queue, name="office-queue"),
]
