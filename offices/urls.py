from django.urls import path
from django.views.generic import RedirectView

from offices import views

app_name = "offices"

urlpatterns = [
    path("", views.home, name="home"),
    # Every office's address starts with /offices/, so people shorten it to that: the list
    # of offices is the home page (with a search typed there kept).
    path("offices/", RedirectView.as_view(pattern_name="offices:home", query_string=True), name="list"),
    path("offices/<slug:code>/", views.office_detail, name="detail"),
]
