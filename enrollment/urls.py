from django.urls import path

from enrollment import views

# The first screen of applying is /classes/<pk>/apply/ ("finder-apply", finder.urls).
urlpatterns = [
    path("classes/<int:pk>/apply/agree/", views.apply_consent, name="enrollment-apply-consent"),
    path("classes/<int:pk>/apply/code/", views.apply_code, name="enrollment-apply-code"),
    path("classes/<int:pk>/apply/done/", views.apply_done, name="enrollment-apply-done"),
    path("classes/<int:pk>/apply/already/", views.apply_duplicate,
         name="enrollment-apply-duplicate"),
    path("privacy-notice/", views.privacy_notice, name="enrollment-privacy-notice"),
    path("my-application/", views.manage, name="enrollment-manage"),
    path("my-application/cancel/", views.manage_cancel, name="enrollment-manage-cancel"),
    path("my-application/accept/", views.manage_accept, name="enrollment-manage-accept"),
    path("my-application/close/", views.manage_leave, name="enrollment-manage-leave"),
]
