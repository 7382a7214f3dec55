from django.contrib.auth import views as auth_views
from django.urls import path

from applicants.views import staff, staff_day, staff_links, staff_lookup, staff_waits
from queue_booking.sign_in import StaffSignInForm

app_name = "staff"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="staff/login.html", authentication_form=StaffSignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", staff.home, name="home"),
    path("utilization/", staff.utilization, name="utilization"),
    path("waits/", staff_waits.wait_history, name="waits"),
    path("<slug:office_code>/checkin/", staff.checkin, name="checkin"),
    path("<slug:office_code>/checkin/by-nik/", staff_lookup.checkin_by_nik, name="checkin-by-nik"),
    path("<slug:office_code>/walkin/", staff.walkin, name="walkin"),
    path("<slug:office_code>/counter/", staff.counters, name="counters"),
    path("<slug:office_code>/counter/<int:counter_id>/", staff.counter, name="counter"),
    path("<slug:office_code>/today/", staff_day.today, name="today"),
    path("<slug:office_code>/list/", staff_day.day_list_page, name="day-list"),
    path("<slug:office_code>/today/stop/", staff_day.stop_service, name="stop-service"),
    path("<slug:office_code>/booking/<str:code>/renew-link/", staff_links.renew_link, name="renew-link"),
    path("<slug:office_code>/booking/<str:code>/proof.pdf", staff_links.booking_proof_pdf, name="booking-proof"),
]
