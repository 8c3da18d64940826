from django.urls import path

from classes import views

# Staff pages, mounted under /staff/classes/.
urlpatterns = [
    path("", views.class_list_view, name="classes-list"),
    path("new/", views.class_create_view, name="classes-create"),
    path("<int:pk>/", views.class_detail_view, name="classes-detail"),
    path("<int:pk>/edit/", views.class_edit_view, name="classes-edit"),
    path("<int:pk>/status/", views.class_transition_view, name="classes-transition"),
]
