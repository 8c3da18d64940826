from django.urls import path

from enrollment import views

urlpatterns = [
    path("my-application/", views.manage, name="enrollment-manage"),
]
