from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("diagnostic/placement/", views.placement, name="placement"),
    path("diagnostic/course/", views.course_start, name="course-start"),
    path("diagnostic/resume/", views.resume, name="resume"),
    path("diagnostic/<int:pk>/", views.take, name="take"),
    path("diagnostic/<int:pk>/code/", views.code, name="code"),
    path("diagnostic/<int:pk>/pause/", views.pause, name="pause"),
    path("diagnostic/<int:pk>/result/", views.result, name="result"),
]
