from django.urls import path

from attendance import views

urlpatterns = [
    # Staff pages.
    path("staff/attendance/sessions/<int:pk>/", views.session_view, name="attendance-session"),
    path("staff/attendance/sessions/<int:pk>/mark/", views.mark_view, name="attendance-mark"),
    path("staff/attendance/sessions/<int:pk>/all/", views.mark_all_view,
         name="attendance-mark-all"),
    path("staff/attendance/sessions/<int:pk>/paper/", views.paper_view, name="attendance-paper"),
    path("staff/attendance/sessions/<int:pk>/sheet.pdf", views.sheet_pdf_view,
         name="attendance-sheet-pdf"),
    path("staff/attendance/sessions/<int:pk>/sheet.xlsx", views.sheet_xlsx_view,
         name="attendance-sheet-xlsx"),
    path("staff/attendance/classes/<int:pk>/", views.class_view, name="attendance-class"),
    path("staff/attendance/classes/<int:pk>/certificates/", views.certificates_issue_view,
         name="attendance-certificates-issue"),
    path("staff/attendance/classes/<int:pk>/certificates.pdf",
         views.class_certificates_pdf_view, name="attendance-certificates-pdf"),
    path("staff/attendance/certificates/<int:pk>.pdf", views.certificate_pdf_view,
         name="attendance-certificate-pdf"),
    path("staff/attendance/certificates/<int:pk>/revoke/", views.certificate_revoke_view,
         name="attendance-certificate-revoke"),
    # Public: anyone holding a certificate's code (or its QR code) can check it.
    path("certificates/check/", views.check_view, name="certificates-check"),
    path("certificates/check/<str:code>/", views.check_code_view,
         name="certificates-check-code"),
]
