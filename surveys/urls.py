from django.urls import path

from surveys import views

urlpatterns = [
    # The learner's link, sent by SMS.
    path("survey/<str:token>/", views.answer_view, name="surveys-answer"),
    # Staff pages.
    path("staff/surveys/classes/<int:pk>/", views.class_view, name="surveys-class"),
    path("staff/surveys/classes/<int:pk>/<int:application_pk>/paper/", views.paper_view,
         name="surveys-paper"),
    path("staff/surveys/classes/<int:pk>/<int:application_pk>/tablet/", views.tablet_view,
         name="surveys-tablet"),
    path("staff/surveys/classes/<int:pk>/<int:application_pk>/send/", views.send_view,
         name="surveys-send"),
]
