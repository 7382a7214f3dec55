from django.urls import path

from offices import api

urlpatterns = [
    path("offices/", api.OfficeListApi.as_view(), name="office-list"),
    path("offices/nearest/", api.OfficeNearestApi.as_view(), name="office-nearest"),
    path("offices/<slug:code>/", api.OfficeDetailApi.as_view(), name="office-detail"),
    path("offices/<slug:code>/availability/", api.office_availability_view, name="office-availability"),
]
