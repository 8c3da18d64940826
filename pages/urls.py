from django.urls import path

from pages import views

urlpatterns = [
    path("", views.home, name="pages-home"),
    path("about/", views.about, name="pages-about"),
    path("accessibility/", views.accessibility, name="pages-accessibility"),
    path("display/", views.display_preferences_set, name="pages-display"),
]
