from django.urls import path

from offices import views

app_name = "offices"

urlpatterns = [
    path("", views.home, name="home"),
    path("offices/<slug:code>/", views.office_detail, name="detail"),
]
