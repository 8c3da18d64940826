from django.urls import path

from finder import views

urlpatterns = [
    path("find/", views.start, name="finder-start"),
    path("find/in/<str:code>/", views.region_step, name="finder-region"),
    path("find/classes/", views.results, name="finder-results"),
    path("find/map/", views.class_map, name="finder-map"),
    path("find/boundaries/<str:code>.geojson", views.boundaries, name="finder-boundaries"),
    path("classes/<int:pk>/", views.class_detail, name="finder-class"),
    path("classes/<int:pk>/apply/", views.apply, name="finder-apply"),
]
