from django.urls import path

from stats import views

urlpatterns = [
    path("outcomes/", views.outcomes_view, name="stats-outcomes"),
]
