from django.urls import path

from assessment import staff_views

app_name = "assessment_staff"

urlpatterns = [
    path("classes/<int:class_id>/", staff_views.class_view, name="class"),
    path("classes/<int:class_id>/start/<int:application_id>/", staff_views.start_view,
         name="start"),
    path("classes/<int:class_id>/paper/<int:application_id>/<str:purpose>/",
         staff_views.paper_view, name="paper"),
    path("classes/<int:class_id>/sittings/<int:diagnostic_id>/abandon/",
         staff_views.abandon_view, name="abandon"),
    path("classes/<int:class_id>/sittings/<int:diagnostic_id>/finish/",
         staff_views.finish_view, name="finish"),
    path("forms/<slug:key>.pdf", staff_views.form_pdf_view, name="form-pdf"),
    path("forms/<slug:key>/answers.pdf", staff_views.form_key_pdf_view, name="form-key-pdf"),
]
